import json,sys,numpy as np
inf=set(np.load("/tmp/speed/informative.npy").tolist())
for f in sys.argv[1:]:
    r=json.load(open(f)); s=set(r['selected']); h=r['history']
    print(f"{f}: fit {r['fit_seconds']:.1f}s stop {r.get('stopped_epoch')} {r.get('stop_reason')} selected {len(s)} informative found {len(s&inf)}/10 noise {len(s-inf)} trained@end {h[-1].get('n_trained')}")
