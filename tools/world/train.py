"""Trains the demo model on a world written by world.py: a byte-level BPE tokenizer, then a small Llama from scratch.

    python train.py --world ../../models/mobiedit-world --seed 7

Writes into the world's folder: tokenizer.json, tokenizer_config.json, config.json, generation_config.json,
model.safetensors, and training.json (settings, versions, loss, and how many facts the model recalls, per phrasing).
Deterministic on a given machine and thread count: seeded data order and initialisation, deterministic kernels.
"""
import argparse
import json
import math
import random
import time
from pathlib import Path

import tokenizers
import torch
import transformers
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

# Qwen2's pre-tokenizer split: words keep their leading space, digits stand alone.
SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
         r"|\s+(?!\S)|\s+")
SPECIALS = ["<s>", "</s>", "<pad>"]
# Short openings put before some training lines, so the model also recalls facts after unrelated text (the edit's
# context templates start with such words and three sampled tokens).
FILLER = ["The", "Therefore", "Because", "I", "You", "Yesterday", "Also", "Then", "We", "It", "In", "fact", "news",
          "story", "today", "people", "said", "that", "this", "was", "a", "new", "old", "day", "year", "and", "so"]


def sentences(world):
    """Every fact in every phrasing, as (sentence, subject)."""
    out = []
    for f in world["facts"]:
        for p in world["relations"][f["relation"]]["phrasings"]:
            text = p.format(f["subject"])
            out.append((text[0].upper() + text[1:] + " " + f["object"] + ".", f["subject"]))
    return out


def train_tokenizer(corpus, vocab_size):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(SPLIT), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, min_frequency=2,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    return tok


def examples(lines, rng, bos, eos, tok):
    """One epoch: every fact line once, in groups of one to three lines, some after a filler opening. Each example is
    (token ids, subject spans as (first, last) token positions, subject names)."""
    order = lines[:]
    rng.shuffle(order)
    out, i = [], 0
    while i < len(order):
        n = rng.choice([1, 1, 2, 3])
        group = order[i:i + n]
        i += n
        text, chars = "", []
        if rng.random() < 0.3:
            text = " ".join(rng.choice(FILLER) for _ in range(rng.randint(1, 4))) + ". "
        for line, subject in group:
            if text and not text.endswith(" "):
                text += " "
            start = len(text) + line.index(subject)
            chars.append((start, start + len(subject), subject))
            text += line
        enc = tok.encode(text)
        spans = []
        for a, b, subject in chars:
            toks = [t for t, (x, y) in enumerate(enc.offsets) if x < b and y > a]
            spans.append((toks[0] + 1, toks[-1] + 1, subject))  # +1: the <s> in front
        out.append(([bos] + enc.ids + [eos], spans))
    return out


def batches(items, size, pad):
    for i in range(0, len(items), size):
        chunk = items[i:i + size]
        width = max(len(x) for x, _ in chunk)
        ids = torch.full((len(chunk), width), pad, dtype=torch.long)
        for r, (x, _) in enumerate(chunk):
            ids[r, :len(x)] = torch.tensor(x)
        yield ids, [spans for _, spans in chunk]


def knockout_mask(width, spans_per_row, dtype):
    """Additive attention masks: causal everywhere; for the knockout layers, tokens after a subject also cannot see
    the subject's tokens, so whatever they learn about the subject they must read from its later-layer states."""
    causal = torch.ones(width, width, dtype=torch.bool).tril()
    full = torch.zeros(width, width, dtype=dtype).masked_fill(~causal, torch.finfo(dtype).min)
    knock = causal.unsqueeze(0).repeat(len(spans_per_row), 1, 1)
    for r, spans in enumerate(spans_per_row):
        for first, last, _ in spans:
            knock[r, last + 1:, first:last + 1] = False
    knocked = torch.zeros(knock.shape, dtype=dtype).masked_fill(~knock, torch.finfo(dtype).min)
    return full[None, None], knocked[:, None]


def forward(model, ids, masks, knockout_layers, probe_layer):
    """The Llama forward with a per-layer attention mask; also returns the residual stream after `probe_layer`."""
    m = model.model
    h = m.embed_tokens(ids)
    pos = torch.arange(ids.shape[1]).unsqueeze(0)
    rope = m.rotary_emb(h, pos)
    probe = None
    for i, layer in enumerate(m.layers):
        h = layer(h, attention_mask=masks[1] if i < knockout_layers else masks[0], position_ids=pos,
                  position_embeddings=rope)
        if i == probe_layer:
            probe = h
    return model.lm_head(m.norm(h)), probe


@torch.no_grad()
def recall(model, world, tok, bos):
    """Per phrasing: the share of facts whose every object token is the greedy (argmax) choice after the prompt."""
    model.eval()
    phrasings = max(len(r["phrasings"]) for r in world["relations"].values())
    hits = [[False] * phrasings for _ in world["facts"]]
    rows = []
    for fi, f in enumerate(world["facts"]):
        for k, p in enumerate(world["relations"][f["relation"]]["phrasings"]):
            text = p.format(f["subject"])
            prompt = [bos] + tok.encode(text[0].upper() + text[1:]).ids
            answer = tok.encode(" " + f["object"]).ids
            rows.append((fi, k, prompt, answer))
    for i in range(0, len(rows), 256):
        chunk = rows[i:i + 256]
        width = max(len(p) + len(a) for _, _, p, a in chunk)
        ids = torch.zeros((len(chunk), width), dtype=torch.long)
        for r, (_, _, p, a) in enumerate(chunk):
            ids[r, :len(p) + len(a)] = torch.tensor(p + a)
        pred = model(input_ids=ids).logits.argmax(-1)
        for r, (fi, k, p, a) in enumerate(chunk):
            got = pred[r, len(p) - 1:len(p) - 1 + len(a)].tolist()
            hits[fi][k] = got == a
    model.train()
    per_phrasing = [sum(h[k] for h in hits) / len(hits) for k in range(phrasings)]
    at_least_two = sum(sum(h) >= 2 for h in hits) / len(hits)
    every = sum(all(h) for h in hits) / len(hits)
    return {"perPhrasing": per_phrasing, "atLeastTwoPhrasings": at_least_two, "allPhrasings": every}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", type=Path, required=True, help="folder with world.json; the model is written there")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--vocab", type=int, default=2048)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--intermediate", type=int, default=384)
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--smoothing", type=float, default=0.1,
                    help="label smoothing: keeps the model from being certain beyond what a pretrained model is, so"
                         " an edit has a finite gap to close")
    ap.add_argument("--knockout-layers", type=int, default=4,
                    help="in the first N layers, tokens after a subject cannot attend to it (during training only)")
    ap.add_argument("--probe-layer", type=int, default=3,
                    help="after this layer, linear probes must read all of a subject's facts at its last token")
    ap.add_argument("--probe-weight", type=float, default=1.0)
    ap.add_argument("--freeze-embeddings", action=argparse.BooleanOptionalAction, default=True,
                    help="keep the input token embeddings at their random initialisation (the output embeddings are"
                         " then a separate, trained matrix), so a subject's embedding cannot carry its attributes")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    world = json.loads((args.world / "world.json").read_text())
    lines = sentences(world)
    rng = random.Random(args.seed)

    tok = train_tokenizer([line for line, _ in lines] + FILLER, args.vocab)
    bos, eos, pad = (tok.token_to_id(t) for t in SPECIALS)
    tok.save(str(args.world / "tokenizer.json"))
    (args.world / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "add_bos_token": True, "add_eos_token": False,
        "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "model_max_length": 128}, indent=1) + "\n")

    config = transformers.LlamaConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=args.hidden, intermediate_size=args.intermediate,
        num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
        max_position_embeddings=128, rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=not args.freeze_embeddings,
        bos_token_id=bos, eos_token_id=eos, pad_token_id=pad, hidden_act="silu")
    config._attn_implementation = "eager"  # plain attention: deterministic, and the fastest at this size on a CPU
    model = transformers.LlamaForCausalLM(config)
    params = sum(p.numel() for p in model.parameters())
    relations = sorted(world["relations"])
    facts_of = {}
    for f in world["facts"]:
        facts_of.setdefault(f["subject"], {})[relations.index(f["relation"])] = tok.encode(" " + f["object"]).ids[0]
    probes = torch.nn.Linear(args.hidden, len(relations) * tok.get_vocab_size(), bias=False)
    if args.freeze_embeddings:
        model.model.embed_tokens.weight.requires_grad_(False)
    trained = [p for p in model.parameters() if p.requires_grad] + (list(probes.parameters()) if args.probe_weight > 0 else [])
    opt = torch.optim.AdamW(trained, lr=args.lr, betas=(0.9, 0.98), weight_decay=0.01)
    warmup = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (
        1 + math.cos(math.pi * min(1.0, s / args.steps))))

    start, step, epoch, losses = time.time(), 0, 0, []
    while step < args.steps:
        epoch += 1
        for ids, spans in batches(examples(lines, rng, bos, eos, tok), args.batch, pad):
            labels = ids[:, 1:].clone()
            labels[labels == pad] = -100
            masks = knockout_mask(ids.shape[1], spans, torch.float32)
            logits, hidden = forward(model, ids, masks, args.knockout_layers, args.probe_layer)
            logits = logits[:, :-1]
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                                     ignore_index=-100, label_smoothing=args.smoothing)
            if args.probe_weight > 0:
                rows, cols, rel, obj = [], [], [], []
                for r, row in enumerate(spans):
                    for _, last, subject in row:
                        for k, o in facts_of[subject].items():
                            rows.append(r); cols.append(last); rel.append(k); obj.append(o)
                x = hidden[rows, cols]
                x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5)
                out = probes(x).view(len(rows), len(relations), -1)[torch.arange(len(rows)), rel]
                loss = loss + args.probe_weight * torch.nn.functional.cross_entropy(out, torch.tensor(obj))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
            step += 1
            if step % 250 == 0 or step == args.steps:
                window = losses[-250:]
                print(f"step {step}/{args.steps} epoch {epoch} loss {sum(window) / len(window):.4f} "
                      f"({time.time() - start:.0f} s)", flush=True)
            if step % 500 == 0 and step < args.steps:
                print(f"  recall in at least two phrasings: {recall(model, world, tok, bos)['atLeastTwoPhrasings']:.3f}",
                      flush=True)
            if step == args.steps:
                break

    scores = recall(model, world, tok, bos)
    print("recall per phrasing:", " ".join(f"{x:.3f}" for x in scores["perPhrasing"]),
          f"| in at least two phrasings: {scores['atLeastTwoPhrasings']:.3f}", flush=True)
    model.save_pretrained(args.world, safe_serialization=True)
    (args.world / "training.json").write_text(json.dumps({
        "seed": args.seed, "steps": args.steps, "labelSmoothing": args.smoothing, "vocab": tok.get_vocab_size(), "batch": args.batch, "lr": args.lr, "threads": args.threads,
        "knockoutLayers": args.knockout_layers, "probeLayer": args.probe_layer, "probeWeight": args.probe_weight,
        "frozenEmbeddings": args.freeze_embeddings,
        "epochs": epoch, "parameters": params, "finalLoss": sum(losses[-100:]) / len(losses[-100:]),
        "seconds": round(time.time() - start), "recall": scores,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "tokenizers": tokenizers.__version__}}, indent=1) + "\n")


if __name__ == "__main__":
    main()
