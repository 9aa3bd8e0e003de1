"""Diagnostic: can an edit at layer L (delta added to the MLP output at the subject's last token) reach the new
object? Adam on delta, 100 steps, |delta| clamped to CLAMP * |t0|. Prints NLL before/after and the norms.
    python probe_edit.py MODEL_DIR LAYER CLAMP   (uses MODEL_DIR/edits-dev.json)
"""
import json, torch, transformers, sys
from tokenizers import Tokenizer
d=sys.argv[1]; L=int(sys.argv[2]); clamp=float(sys.argv[3])
tok=Tokenizer.from_file(d+'/tokenizer.json'); m=transformers.LlamaForCausalLM.from_pretrained(d); m.eval()
for p in m.parameters(): p.requires_grad_(False)
cases=json.load(open(d+'/edits-dev.json'))[:8]
bos=tok.token_to_id('<s>')
for c in cases:
    rw=c['requested_rewrite']; prompt=rw['prompt'].format(rw['subject']); subj=rw['subject']
    pid=[bos]+tok.encode(prompt).ids; tid=tok.encode(' '+rw['target_new']['str']).ids
    sid=[bos]+tok.encode(prompt[:prompt.index(subj)+len(subj)]).ids; pos=len(sid)-1
    ids=torch.tensor([pid+tid[:-1]])
    delta=torch.zeros(m.config.hidden_size, requires_grad=True)
    t0=[None]
    def hook(mod, inp, out):
        o=out.clone(); 
        if t0[0] is None: t0[0]=o[0,pos].detach().clone()
        o[0,pos]=o[0,pos]+delta; return o
    h=m.model.layers[L].mlp.register_forward_hook(hook)
    opt=torch.optim.Adam([delta], lr=0.5)
    for s in range(100):
        lp=torch.log_softmax(m(input_ids=ids).logits[0],-1)
        nll=-sum(lp[len(pid)-1+j, t] for j,t in enumerate(tid))/len(tid)
        if s==0: first=nll.item()
        opt.zero_grad(); nll.backward(); opt.step()
        with torch.no_grad():
            n=delta.norm(); mx=clamp*t0[0].norm()
            if n>mx: delta.mul_(mx/n)
    h.remove()
    print(subj, '|', rw['target_new']['str'], 'nll', round(first,2),'->', round(nll.item(),2), '|t0|', round(t0[0].norm().item(),2), '|d|', round(delta.norm().item(),2))
