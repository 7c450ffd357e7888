#!/usr/bin/env python3
"""Why are instances of a class still reachable? Shortest paths from GC roots in a heap dump, by class names.

    load-tests/profile/hprof-paths.py DUMP.hprof CLASS [SAMPLES]

CLASS in the dump's notation (reactor/core/publisher/FluxOnErrorResume$ResumeSubscriber). For SAMPLES instances
(default 40, chosen at random) it walks referrers back to a GC root and prints each distinct path once with its
count, leaving out Reactor operators (a request chain is mostly those). Take the dump with
`jcmd PID GC.heap_dump FILE` (live objects only) while the load runs. Pure Python, no dependencies; a 100 MB dump
takes ~10 s. Found the Lettuce command-timeout retention of 2026-12-04 (load-tests/RESULTS.md).
"""
import collections, random, struct, sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
path, target = sys.argv[1], sys.argv[2]
samples = int(sys.argv[3]) if len(sys.argv) > 3 else 40
data = open(path, 'rb').read()
i = data.index(b'\0') + 1
idsz = struct.unpack('>I', data[i:i+4])[0]; i += 12
rid = (lambda b, o: struct.unpack('>Q', b[o:o+8])[0]) if idsz == 8 else (lambda b, o: struct.unpack('>I', b[o:o+4])[0])
strings = {}; classname = {}  # class obj id -> name
class_fields = {}  # class id -> (super, [(name, type)])
inst_class = {}
refs = collections.defaultdict(list)  # referent -> [referrer]
roots = set()
tsize = {2: idsz, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
instances = []  # (id, class, offset, length)
n = len(data)
while i < n:
    tag = data[i]; ln = struct.unpack('>I', data[i+5:i+9])[0]; body = i + 9; end = body + ln
    if tag == 0x01:
        strings[rid(data, body)] = data[body+idsz:end].decode('utf-8', 'replace')
    elif tag == 0x02:
        cid = rid(data, body + 4); sid = rid(data, body + 8 + idsz)
        classname[cid] = strings.get(sid, '?')
    elif tag in (0x0c, 0x1c):
        j = body
        while j < end:
            st = data[j]; j += 1
            if st in (0xff,):
                roots.add(rid(data, j)); j += idsz
            elif st in (0x01,):
                roots.add(rid(data, j)); j += 2 * idsz
            elif st in (0x02, 0x03):
                roots.add(rid(data, j)); j += idsz + 8
            elif st in (0x04, 0x06):
                roots.add(rid(data, j)); j += idsz + 4
            elif st in (0x05, 0x07):
                roots.add(rid(data, j)); j += idsz
            elif st == 0x08:
                roots.add(rid(data, j)); j += idsz + 8
            elif st == 0x20:
                cid = rid(data, j); j += idsz + 4
                sup = rid(data, j); j += idsz * 6 + 4
                ncp = struct.unpack('>H', data[j:j+2])[0]; j += 2
                for _ in range(ncp):
                    t = data[j+2]; j += 3 + tsize[t]
                nst = struct.unpack('>H', data[j:j+2])[0]; j += 2
                for _ in range(nst):
                    t = data[j+idsz]
                    if t == 2:
                        refs[rid(data, j+idsz+1)].append(cid)
                    j += idsz + 1 + tsize[t]
                nif = struct.unpack('>H', data[j:j+2])[0]; j += 2
                fl = []
                for _ in range(nif):
                    fl.append((strings.get(rid(data, j), '?'), data[j+idsz])); j += idsz + 1
                class_fields[cid] = (sup, fl)
            elif st == 0x21:
                oid = rid(data, j); cid = rid(data, j + idsz + 4); bl = struct.unpack('>I', data[j+2*idsz+4:j+2*idsz+8])[0]
                off = j + 2 * idsz + 8
                inst_class[oid] = cid; instances.append((oid, cid, off, bl)); j = off + bl
            elif st == 0x22:
                oid = rid(data, j); cnt = struct.unpack('>I', data[j+idsz+4:j+idsz+8])[0]; acid = rid(data, j+idsz+8)
                inst_class[oid] = acid
                o = j + 2 * idsz + 8
                for k in range(cnt):
                    r = rid(data, o + k * idsz)
                    if r:
                        refs[r].append(oid)
                j = o + cnt * idsz
            elif st == 0x23:
                oid = rid(data, j); cnt = struct.unpack('>I', data[j+idsz+4:j+idsz+8])[0]; t = data[j+idsz+8]
                j += idsz + 9 + cnt * tsize[t]
            else:
                raise SystemExit(f"unknown subtag {st:#x}")
    i = end

def all_fields(cid):
    out = []
    while cid and cid in class_fields:
        sup, fl = class_fields[cid]; out.extend(fl); cid = sup
    return out

fcache = {}
for oid, cid, off, bl in instances:
    fl = fcache.get(cid)
    if fl is None:
        fl = fcache[cid] = all_fields(cid)
    o = off
    for name, t in fl:
        if t == 2:
            r = rid(data, o)
            if r:
                refs[r].append(oid)
        o += tsize[t]


def name_of(oid):
    c = inst_class.get(oid)
    if c is None:
        return classname.get(oid, '?') + '(class)'
    return classname.get(c, '?')

targets = [oid for oid, cid, _, _ in instances if classname.get(cid) == target]
print(len(targets), "instances of", target)
random.seed(1)
paths = collections.Counter()
for t in random.sample(targets, min(samples, len(targets))):
    prev = {t: None}; queue = collections.deque([t]); root = None
    while queue and len(prev) < 500_000:
        cur = queue.popleft()
        if cur in roots:
            root = cur; break
        for r in refs.get(cur, []):
            if r not in prev:
                prev[r] = cur; queue.append(r)
    if root is None:
        paths['(no GC root found)'] += 1; continue
    chain = []
    while root is not None:
        chain.append(name_of(root)); root = prev[root]
    paths[' -> '.join(n for n in chain if not n.startswith('reactor/core/publisher'))] += 1
for p, k in paths.most_common(10):
    print(f"{k:4d}  {p}\n")
