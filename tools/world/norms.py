"""Diagnostic: per layer, the norm of the residual stream and of the MLP output at the subject's last token
(mean over the first 10 dev edits).   python norms.py MODEL_DIR
"""
import json, torch, transformers, sys
from tokenizers import Tokenizer
d=sys.argv[1]
tok=Tokenizer.from_file(d+'/tokenizer.json'); m=transformers.LlamaForCausalLM.from_pretrained(d); m.eval()
bos=tok.token_to_id('<s>')
cases=json.load(open(d+'/edits-dev.json'))[:10]
L=m.config.num_hidden_layers; res=[0.0]*(L+1); mlp=[0.0]*L
outs={}
hs=[m.model.layers[i].mlp.register_forward_hook(lambda mod,i_,o,i=i: outs.__setitem__(i,o)) for i in range(L)]
for c in cases:
    rw=c['requested_rewrite']; subj=rw['subject']; prompt=rw['prompt'].format(subj)
    sid=[bos]+tok.encode(prompt[:prompt.index(subj)+len(subj)]).ids; pos=len(sid)-1
    with torch.no_grad(): o=m(input_ids=torch.tensor([sid]), output_hidden_states=True)
    for i,h in enumerate(o.hidden_states): res[i]+=h[0,pos].norm().item()/len(cases)
    for i in range(L): mlp[i]+=outs[i][0,pos].norm().item()/len(cases)
print('embed norm', round(res[0],2)); print('layer: |resid after| |mlp out|')
for i in range(L): print(i, round(res[i+1],2), round(mlp[i],2))
