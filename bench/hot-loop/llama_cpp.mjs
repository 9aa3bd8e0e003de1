// llama.cpp's prefill and decode speed on a GGUF file, through node-llama-cpp 3.21.1 and its prebuilt CPU binaries
// (no GPU, nothing built from source). One JSON line on stdout.
//
// What is timed, in this process, after an untimed warm-up (the same prompt text, --warmup-tokens long, 2 tokens):
// - prefill: sequence.evaluate(prompt ids) until it yields its first token: the prompt in batches of --prompt-tokens
//   (one batch), logits of the last position only, one greedy pick;
// - decode: the next --decode-tokens - 1 tokens, one evaluation each with the key/value cache (the first generated
//   token comes from the prefill's logits, as in `mobiedit bench`).
// Each section reports wall time (process.hrtime) and the CPU time of the whole process (process.cpuUsage: user +
// system, all threads, as time.process_time() and the JVM's process CPU time count it).
//
// The prompt is the text `mobiedit bench` uses ("The quick brown fox jumps over the lazy dog. " repeated), tokenized
// by the model's own vocabulary and cut to --prompt-tokens ids, so with the real Qwen2 vocabulary both read the same
// ids.
//
// Usage: node llama_cpp.mjs --model FILE.gguf [--threads N] [--prompt-tokens N] [--decode-tokens N]
//        [--warmup-tokens N] [--node-modules DIR]
import path from "node:path";
import {pathToFileURL} from "node:url";

const SENTENCE = "The quick brown fox jumps over the lazy dog. ";

function parseArgs(argv) {
  const a = {threads: 1, promptTokens: 256, decodeTokens: 32, warmupTokens: 32, nodeModules: null, model: null};
  const names = {
    "--model": "model", "--threads": "threads", "--prompt-tokens": "promptTokens", "--decode-tokens": "decodeTokens",
    "--warmup-tokens": "warmupTokens", "--node-modules": "nodeModules",
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (key === undefined || i + 1 >= argv.length) {
      fail(`unknown option or missing value: ${argv[i]} (options: ${Object.keys(names).join(", ")})`);
    }
    a[key] = argv[i + 1];
  }
  if (!a.model) {
    fail("--model FILE.gguf is required");
  }
  for (const k of ["threads", "promptTokens", "decodeTokens", "warmupTokens"]) {
    const v = Number(a[k]);
    if (!Number.isInteger(v) || v < (k === "warmupTokens" ? 0 : 1)) {
      fail(`${k} must be a whole number ${k === "warmupTokens" ? ">= 0" : ">= 1"}, got ${a[k]}`);
    }
    a[k] = v;
  }
  return a;
}

function fail(message) {
  process.stderr.write(`llama_cpp.mjs: ${message}\n`);
  process.exit(2);
}

/** Exactly n ids of the repeated sentence (tokenized whole, so word boundaries are those of running text). */
function promptIds(model, n) {
  let repeats = Math.ceil(n / 8) + 2;
  let ids = model.tokenize(SENTENCE.repeat(repeats));
  while (ids.length < n) {
    repeats *= 2;
    ids = model.tokenize(SENTENCE.repeat(repeats));
  }
  return ids.slice(0, n);
}

/** Wall seconds and process CPU seconds since a mark. */
function mark() {
  return {wall: process.hrtime.bigint(), cpu: process.cpuUsage()};
}

function since(m) {
  const cpu = process.cpuUsage(m.cpu);
  return {wall: Number(process.hrtime.bigint() - m.wall) / 1e9, cpu: (cpu.user + cpu.system) / 1e6};
}

/** Prefill of `ids`, then `decode - 1` more greedy tokens; returns the two sections' times. */
async function generate(sequence, ids, decode) {
  const start = mark();
  const tokens = sequence.evaluate(ids, {temperature: 0});
  let prefill = null;
  let generated = 0;
  let decodeStart = null;
  for await (const token of tokens) { // eslint-disable-line no-unused-vars
    generated++;
    if (generated === 1) {
      prefill = since(start);
      decodeStart = mark();
    }
    if (generated >= decode) {
      break;
    }
  }
  return {prefill, decode: since(decodeStart), generated};
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const modules = a.nodeModules ?? path.join(path.dirname(new URL(import.meta.url).pathname), "../.node/node_modules");
  const {getLlama, LlamaLogLevel} = await import(pathToFileURL(path.join(modules, "node-llama-cpp/dist/index.js")));
  const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: a.threads});
  const loadStart = mark();
  const model = await llama.loadModel({modelPath: a.model, gpuLayers: 0});
  const load = since(loadStart);
  const size = a.promptTokens + a.decodeTokens + 8;
  const context = await model.createContext({
    contextSize: size, batchSize: Math.max(a.promptTokens, a.warmupTokens, 1), sequences: 1,
    threads: {ideal: a.threads, min: a.threads},
  });
  const sequence = context.getSequence();
  if (a.warmupTokens > 0) {
    await generate(sequence, promptIds(model, a.warmupTokens), 2);
    await sequence.clearHistory();
  }
  const ids = promptIds(model, a.promptTokens);
  const t = await generate(sequence, ids, a.decodeTokens);
  const steps = t.generated - 1;
  process.stdout.write(JSON.stringify({
    peer: "llama.cpp", model: a.model, file: path.basename(a.model), threads: a.threads,
    promptTokens: ids.length, decodeSteps: steps, warmupTokens: a.warmupTokens,
    prefillSeconds: t.prefill.wall, prefillCpuSeconds: t.prefill.cpu,
    decodeSeconds: t.decode.wall, decodeCpuSeconds: t.decode.cpu,
    prefillTokensPerSecond: ids.length / t.prefill.wall, decodeTokensPerSecond: steps / t.decode.wall,
    loadSeconds: load.wall, firstPromptIds: ids.slice(0, 8), contextThreads: context.currentThreads,
    nodeLlamaCpp: "3.21.1", buildType: llama.buildType, systemInfo: llama.systemInfo,
  }) + "\n");
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}

await main();
