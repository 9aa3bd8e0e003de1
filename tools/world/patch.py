"""Diagnostic: per layer, put another subject's hidden state at the subject's last token (same relation and phrasing,
equal lengths) and count how often the answer becomes the other subject's object. python patch.py MODEL_DIR
"""
import json, torch, transformers, sys, random
from tokenizers import Tokenizer
d=sys.argv[1]
tok=Tokenizer.from_file(d+'/tokenizer.json'); m=transformers.LlamaForCausalLM.from_pretrained(d); m.eval()
bos=tok.token_to_id('<s>'); w=json.load(open(d+'/world.json'))
facts=[f for f in w['facts'] if f['relation'] in ('born in','lives in','works at','speaks')]
rng=random.Random(0); pairs=[]
while len(pairs)<60:
    a,b=rng.sample(facts,2)
    if a['relation']==b['relation'] and a['object']!=b['object']: pairs.append((a,b))
L=m.config.num_hidden_layers
def ids_of(f):
    p=w['relations'][f['relation']]['phrasings'][0].format(f['subject'])
    s=[bos]+tok.encode(p[:p.index(f['subject'])+len(f['subject'])]).ids
    return [bos]+tok.encode(p).ids, len(s)-1
flips=[0]*L
for a,b in pairs:
    ia,pa=ids_of(a); ib,pb=ids_of(b)
    if len(ia)!=len(ib) or pa!=pb: continue
    with torch.no_grad(): hb=m(input_ids=torch.tensor([ib]),output_hidden_states=True).hidden_states
    tgt=tok.encode(' '+b['object']).ids[0]
    for l in range(L):
        def hook(mod,inp,out,l=l):
            o=out[0] if isinstance(out,tuple) else out
            o=o.clone(); o[0,pa]=hb[l+1][0,pa]
            return (o,)+tuple(out[1:]) if isinstance(out,tuple) else o
        h=m.model.layers[l].register_forward_hook(hook)
        with torch.no_grad(): lg=m(input_ids=torch.tensor([ia])).logits[0,-1]
        h.remove()
        flips[l]+= int(lg.argmax().item()==tgt)
n=sum(1 for a,b in pairs if len(ids_of(a)[0])==len(ids_of(b)[0]) and ids_of(a)[1]==ids_of(b)[1])
print('pairs',n,'flip rate by layer:',[round(x/n,2) for x in flips])
