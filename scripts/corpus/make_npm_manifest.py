#!/usr/bin/env python3
"""Prints npm rows for manifest.tsv: widely used npm packages, pinned to their latest version.

The registry this machine reaches serves package documents and tarballs but no search or download
counts, so "widely used" is measured inside the registry's own dependency graph: starting from a list
of well-known packages, the crawl follows the runtime, peer and development dependencies of each
package's latest version, and a package's weight is the number of crawled packages that depend on it.
The heaviest packages are printed (seeds always count), skipping type-only packages (@types/*, whose
declarations have no bodies to pair a doc with), packages without JavaScript or TypeScript files, and
tarballs over --max-unpacked-mb.

    scripts/corpus/make_npm_manifest.py --count 2000 > npm.tsv
    awk -F'\\t' '!seen[$2]++' scripts/corpus/manifest.tsv npm.tsv > new.tsv   # keep first pins

Rows: npm<TAB>name<TAB>version<TAB>javascript,typescript<TAB>sha512 integrity (checked by fetch.sh).
Takes a few minutes (one request per crawled package, 16 at a time).
"""
import argparse
import collections
import concurrent.futures
import json
import sys
import urllib.parse
import urllib.request

SEEDS = """
react react-dom next vue nuxt svelte @angular/core preact solid-js lit jquery backbone ember-source
express koa fastify hapi @hapi/hapi restify socket.io ws axios node-fetch got undici superagent request
webpack rollup vite esbuild parcel @babel/core @babel/parser @babel/traverse typescript ts-node tsx
eslint prettier stylelint jest mocha chai vitest jasmine karma ava sinon nock supertest cypress playwright
lodash underscore ramda immutable rxjs date-fns moment dayjs luxon uuid nanoid chalk commander yargs
inquirer ora debug winston pino bunyan dotenv cross-env rimraf glob minimatch chokidar fs-extra semver
mongoose sequelize typeorm prisma knex pg mysql2 redis ioredis sqlite3 better-sqlite3 graphql apollo-server
@apollo/client graphql-tools jsonwebtoken passport bcryptjs helmet cors body-parser multer cookie-parser
three d3 chart.js leaflet pixi.js phaser mathjs bignumber.js decimal.js big.js numeral marked markdown-it
remark unified rehype micromark highlight.js prismjs cheerio jsdom htmlparser2 parse5 postcss sass less
tailwindcss autoprefixer handlebars ejs pug mustache nunjucks yaml js-yaml ajv joi yup zod class-validator
redux mobx zustand immer react-router vue-router @reduxjs/toolkit formik react-hook-form styled-components
@emotion/react electron puppeteer sharp jimp pdfkit xlsx papaparse csv-parse archiver jszip tar adm-zip
async bluebird p-limit p-queue eventemitter3 rxjs xstate node-cron bull bullmq amqplib kafkajs
aws-sdk @aws-sdk/client-s3 firebase googleapis stripe twilio @octokit/rest probot discord.js telegraf
acorn esprima espree recast jscodeshift terser uglify-js source-map magic-string estree-walker
@typescript-eslint/parser ts-morph typedoc jsdoc documentation storybook @storybook/react
lerna nx turbo npm yarn pnpm verdaccio pm2 nodemon concurrently http-server serve browser-sync
crypto-js node-forge tweetnacl elliptic bn.js ethers web3 buffer events stream-browserify util
validator qs query-string url-parse path-to-regexp cookie mime mime-types iconv-lite he entities
colors kleur picocolors boxen cli-table3 blessed ink listr2 execa shelljs cross-spawn which
localforage idb dexie pouchdb lowdb nedb level @tensorflow/tfjs brain.js ml-matrix natural compromise
fuse.js lunr flexsearch algoliasearch elasticsearch @elastic/elasticsearch meilisearch
""".split()


def fetch_latest(name, timeout):
    """The latest version's package document, or None."""
    url = "https://registry.npmjs.org/" + urllib.parse.quote(name, safe="@") + "/latest"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except Exception:  # a missing or unreachable package is just not crawled
        return None


def dependencies_of(document):
    names = set()
    for field in ("dependencies", "peerDependencies", "devDependencies"):
        deps = document.get(field) or {}
        if isinstance(deps, dict):
            names.update(n for n in deps if isinstance(n, str) and not n.startswith("."))
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="packages to print")
    parser.add_argument("--crawl", type=int, default=12000, help="packages to crawl at most")
    parser.add_argument("--max-unpacked-mb", type=float, default=40.0)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    weight = collections.Counter()
    documents = {}
    frontier = list(dict.fromkeys(SEEDS))
    seen = set(frontier)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        while frontier and len(documents) < args.crawl:
            # Heaviest first, so the crawl budget goes to the packages most depended on.
            frontier.sort(key=lambda n: (-weight[n], n))
            batch, frontier = frontier[: args.jobs * 8], frontier[args.jobs * 8 :]
            for name, document in zip(batch, pool.map(lambda n: fetch_latest(n, args.timeout), batch)):
                if not document:
                    continue
                documents[name] = document
                for dep in dependencies_of(document):
                    weight[dep] += 1
                    if dep not in seen:
                        seen.add(dep)
                        frontier.append(dep)
            print(f"npm manifest: crawled {len(documents)}, frontier {len(frontier)}", file=sys.stderr)

    def eligible(name):
        document = documents.get(name)
        if not document or name.startswith("@types/"):
            return False
        dist = document.get("dist") or {}
        if not dist.get("tarball") or not dist.get("integrity", "").startswith("sha512-"):
            return False
        unpacked = dist.get("unpackedSize") or 0
        return unpacked <= args.max_unpacked_mb * 1e6

    seeds = set(SEEDS)
    ranked = sorted((n for n in documents if eligible(n)), key=lambda n: (n not in seeds, -weight[n], n))
    for name in ranked[: args.count]:
        document = documents[name]
        print(f"npm\t{name}\t{document['version']}\tjavascript,typescript\t{document['dist']['integrity']}")


if __name__ == "__main__":
    main()
