import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveQuery, type CancelSource } from '../../core/liveQuery';

// A fake clock and controllable "requests" so the sequencing is tested exactly.
class FakeClock {
  now = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  set = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.now + ms, fn, id });
    return id;
  };
  clear = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  advance(ms: number) {
    this.now += ms;
    const due = this.timers.filter((t) => t.at <= this.now).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.now);
    for (const t of due) t.fn();
  }
  get pending() {
    return this.timers.length;
  }
}

interface Token { cancelled: boolean }
interface Call { query: string; seq: number; token: Token; resolve: (v: string) => void; reject: (e: unknown) => void }

function setup(debounceMs = 100) {
  const clock = new FakeClock();
  const calls: Call[] = [];
  const shown: { result: string; query: string; seq: number }[] = [];
  const errors: unknown[] = [];
  const busy: boolean[] = [];
  const empties: string[] = [];
  const live = new LiveQuery<Token, string>({
    debounceMs,
    setTimer: clock.set,
    clearTimer: clock.clear,
    createCancelSource: (): CancelSource<Token> => {
      const token = { cancelled: false };
      return { token, cancel: () => (token.cancelled = true), dispose: () => undefined };
    },
    run: (query, token, seq) => new Promise<string>((resolve, reject) => calls.push({ query, seq, token, resolve, reject })),
    onResult: (result, query, seq) => shown.push({ result, query, seq }),
    onError: (e) => errors.push(e),
    onBusy: (b) => busy.push(b),
    isEmpty: (q) => q.trim() === '',
    onEmpty: (q) => empties.push(q),
  });
  return { clock, calls, shown, errors, busy, empties, live };
}

const tick = () => new Promise((r) => setImmediate(r));

test('keystrokes within the debounce window send one request, for the last text', async () => {
  const { clock, calls, live } = setup(100);
  live.update('p');
  clock.advance(50);
  live.update('pa');
  clock.advance(50);
  live.update('par');
  clock.advance(99);
  assert.equal(calls.length, 0);
  clock.advance(1);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].query, 'par');
  assert.equal(calls[0].seq, 3);
});

test('a newer query cancels the in-flight one and its late answer is dropped', async () => {
  const { clock, calls, shown, live, errors } = setup(10);
  live.update('parse');
  clock.advance(10);
  assert.equal(calls.length, 1);
  live.update('parse url');
  assert.equal(calls[0].token.cancelled, true, 'superseded request cancelled at once (→ $/cancelRequest)');
  clock.advance(10);
  assert.equal(calls.length, 2);
  assert.equal(calls[1].token.cancelled, false);
  // The old request answers late (it finished before the cancel arrived): dropped.
  calls[0].resolve('old');
  await tick();
  assert.deepEqual(shown, []);
  calls[1].resolve('new');
  await tick();
  assert.deepEqual(shown, [{ result: 'new', query: 'parse url', seq: 2 }]);
  // A cancelled request's rejection is not reported as an error.
  assert.deepEqual(errors, []);
  assert.deepEqual(live.cancelled, [1]);
  assert.deepEqual(live.sent, [1, 2]);
});

test('answers arriving out of order: only the latest is shown', async () => {
  const { clock, calls, shown, live } = setup(0);
  live.update('a');
  live.update('ab');
  live.update('abc');
  assert.equal(calls.length, 3);
  calls[2].resolve('abc!');
  calls[0].resolve('a!');
  calls[1].reject(Object.assign(new Error('cancelled'), { code: -32800 }));
  await tick();
  assert.deepEqual(shown.map((s) => s.result), ['abc!']);
  assert.equal(clock.pending, 0);
});

test('errors of the latest request are reported; busy toggles around requests', async () => {
  const { clock, calls, errors, busy, live } = setup(5);
  live.update('x');
  assert.deepEqual(busy, [true]);
  clock.advance(5);
  calls[0].reject(new Error('boom'));
  await tick();
  assert.equal(errors.length, 1);
  assert.deepEqual(busy, [true, false]);
});

test('empty text cancels pending work and sends nothing', async () => {
  const { clock, calls, empties, shown, live } = setup(5);
  live.update('abc');
  clock.advance(5);
  live.update('   ');
  assert.equal(calls[0].token.cancelled, true);
  assert.deepEqual(empties, ['   ']);
  clock.advance(100);
  assert.equal(calls.length, 1);
  calls[0].resolve('late');
  await tick();
  assert.deepEqual(shown, []);
});

test('flush sends immediately; dispose cancels and silences everything', async () => {
  const { clock, calls, shown, live } = setup(1000);
  live.update('typed');
  live.flush('initial');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].query, 'initial');
  clock.advance(1000);
  assert.equal(calls.length, 1, 'the debounced update was superseded by flush');
  live.dispose();
  assert.equal(calls[0].token.cancelled, true);
  calls[0].resolve('r');
  await tick();
  assert.deepEqual(shown, []);
  live.update('after dispose');
  clock.advance(2000);
  assert.equal(calls.length, 1);
});
