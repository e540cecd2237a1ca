#!/usr/bin/env bash
# Regenerates manifest.tsv: for each language family, the largest source-bearing
# Debian packages from the local apt lists (run `apt-get update` first), pinned
# to their current version. The committed manifest is what training used; this
# script documents how it was chosen. The manifest grew twice (v2: larger
# counts and the pure-Python pick; v3: larger counts again, Lua, Elixir, C/C++
# headers, and npm packages from make_npm_manifest.py); it is the union of the
# runs, keeping each package's first pinned version:
#   { scripts/corpus/make_manifest.sh; scripts/corpus/make_npm_manifest.py --count 3000; } |
#     awk -F'\t' '!seen[$2]++' scripts/corpus/manifest.tsv - > new.tsv
#   scripts/corpus/make_manifest.sh > scripts/corpus/manifest.tsv
set -euo pipefail
pick() {  # pick REGEX EXCLUDE_REGEX COUNT LANGUAGES [ARCHITECTURE]
  apt-cache dumpavail | awk -v re="$1" -v ex="$2" -v arch="${5:-}" '
    /^Package: / { p = $2 } /^Version: / { v = $2 } /^Installed-Size: / { s = $2 } /^Architecture: / { a = $2 }
    /^$/ { if (p ~ re && p !~ ex && (arch == "" || a == arch)) print s "\t" p "\t" v; p = ""; v = ""; s = 0; a = "" }' |
    sort -t$'\t' -k2,2 -u | sort -rn | awk -v n="$3" 'NR <= n' | awk -v langs="$4" -F'\t' '{ print "deb\t" $2 "\t" $3 "\t" langs }'
}
printf '# source\tname\tversion\tlanguages\n'
# Python: well-known pure-Python libraries (the largest python3-* packages are mostly compiled code).
for p in django sympy twisted sqlalchemy requests urllib3 jinja2 werkzeug flask networkx matplotlib pandas docutils \
         sphinx pygments babel setuptools boto3 botocore dask astropy nltk tornado aiohttp paramiko scrapy sklearn \
         skimage statsmodels pip hypothesis pytest yaml lxml bs4 attr click celery kombu sqlparse mako alembic \
         marshmallow pydantic rich httpx jedi parso black isort pylint astroid mypy numpy scipy openpyxl xlrd \
         reportlab pil fontTools psutil dateutil tz arrow pendulum tqdm gevent eventlet dnspython ldap3 \
         oauthlib jwt cryptography nacl pyasn1 rsa simplejson ujson msgpack cachetools toolz cytoolz joblib \
         seaborn bokeh plotly numexpr tables h5py sqlalchemy-utils django-extensions djangorestframework; do
  v=$(apt-cache policy "python3-$p" 2>/dev/null | awk '/Candidate/ {print $2}')
  [ -n "$v" ] && [ "$v" != "(none)" ] && printf 'deb\tpython3-%s\t%s\tpython\n' "$p" "$v"
done
# Then the largest pure-Python (Architecture: all) packages.
pick '^python3-[a-z0-9.-]+$' '(-doc|-dbg|-dev$|-tests?$|-dbgsym)' 1000 python all
printf 'deb\tlibpython3.11-stdlib\t%s\tpython\n' "$(dpkg-query -W -f='${Version}' libpython3.11-stdlib 2>/dev/null || apt-cache policy libpython3.11-stdlib | awk '/Candidate/ {print $2}')"
pick '^golang-.*-dev$' '(-doc|golang-go|golang-[0-9.]+-)' 2000 go
pick '^librust-.*-dev$' '(-doc)' 2000 rust
pick '^node-[a-z0-9.-]+$' '(-doc|node-gyp|node-typescript$)' 300 javascript,typescript
pick '^php-[a-z0-9.-]+$' '(-doc|-dev|php-[0-9])' 200 php
pick '^ruby-[a-z0-9.-]+$' '(-doc|-dev|ruby-[0-9])' 300 ruby
# v3: Lua modules (LDoc comments), Elixir's standard library, and C/C++ library headers (Doxygen).
pick '^lua-[a-z0-9.-]+$' '(-doc|-dev$)' 170 lua
pick '^elixir$' '^$' 1 elixir
pick '^lib[a-z0-9.+-]+-dev$' '(-doc|^libghc-|^librust-|^libjs-|^libocaml|-ocaml-dev|^libcoq|-perl|-java|^libpython|^libstd-rust|^libllvm|^libclang|^libgcc|^libc6|^libstdc|^libboost|^libx11|cross|^libnode|^libtorch|^libcuda|^libnvidia|^libmlir|^libflang|^libgo-|mariadbd|^libwine|-[0-9]+-dev$)' 300 c,cpp
pick '^lib[a-z0-9.-]+-java$' '(-doc|-jni)' 0 java
for p in openjdk-17-source libeigen3-dev libglm-dev libabsl-dev libfmt-dev libspdlog-dev libcgal-dev libgtest-dev \
         libbenchmark-dev libasio-dev libcli11-dev nlohmann-json3-dev libhnswlib-dev libtree-sitter-dev libsqlite3-dev \
         libgit2-dev libcurl4-openssl-dev libssl-dev libzstd-dev liblz4-dev libxxhash-dev libuv1-dev libevent-dev \
         libpcre2-dev libyaml-cpp-dev libprotobuf-dev libgrpc++-dev librocksdb-dev libleveldb-dev libsnappy-dev \
         libopencv-core-dev libglib2.0-dev libgtk-3-dev libqt5core5a qtbase5-dev libboost1.81-dev; do
  v=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate/ {print $2}')
  [ -n "$v" ] && [ "$v" != "(none)" ] && printf 'deb\t%s\t%s\t%s\n' "$p" "$v" "$([ "$p" = openjdk-17-source ] && echo java || echo c,cpp)"
done
true
