"""Expected numbers for RandomizedMetricsTests.cs: an independent plain re-implementation of pycocotools' COCOeval
rules (iouType "bbox", no crowd, box areas) and of the VOC devkit's AP, over a data set that the C# test regenerates
with the same 32-bit LCG. Run with /usr/bin/python3 (numpy only) and paste the printed constants into the test."""
import numpy as np


class Lcg:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self, n):  # an integer in [0, n)
        self.state = (self.state * 1664525 + 1013904223) & 0xFFFFFFFF
        return (self.state >> 8) % n


CLASSES = 4  # class 3 is only ever predicted, never annotated


def generate(seed=16, images=24):
    """Per image: ground truth [(x0, y0, x1, y1, cls)] and detections [(x0, y0, x1, y1, cls, score)]. Coordinates are
    halves and scores k/32, exact in float32, so both languages compute bit-identical areas and IoUs."""
    rng = Lcg(seed)
    data = []
    for i in range(images):
        gts, dts = [], []
        for _ in range(rng.next(6)):
            w, h = 4 + rng.next(140), 4 + rng.next(140)
            x0, y0 = rng.next(400) / 2, rng.next(400) / 2
            gts.append((x0, y0, x0 + w, y0 + h, rng.next(3)))
        for (x0, y0, x1, y1, c) in gts:
            for _ in range(1 + (rng.next(5) == 0)):  # one in five objects gets a duplicate detection
                if rng.next(10) >= 8:
                    continue  # missed
                jx, jy = max(1, int(x1 - x0) // 3), max(1, int(y1 - y0) // 3)
                d = [x0 + (rng.next(2 * jx + 1) - jx) / 2, y0 + (rng.next(2 * jy + 1) - jy) / 2,
                     x1 + (rng.next(2 * jx + 1) - jx) / 2, y1 + (rng.next(2 * jy + 1) - jy) / 2]
                cls = c if rng.next(10) else rng.next(CLASSES)
                dts.append((min(d[0], d[2]), min(d[1], d[3]), max(d[0], d[2]), max(d[1], d[3]), cls, rng.next(32) / 32))
        for _ in range(rng.next(4)):  # clutter
            x0, y0 = rng.next(400) / 2, rng.next(400) / 2
            dts.append((x0, y0, x0 + 2 + rng.next(100), y0 + 2 + rng.next(100), rng.next(CLASSES), rng.next(32) / 32))
        if i == 7:  # one crowded image: 130 detections of one object, past COCO's limit of 100
            gts.append((10.0, 10.0, 110.0, 110.0, 0))
            for _ in range(130):
                x0, y0 = 10 + (rng.next(41) - 20) / 2, 10 + (rng.next(41) - 20) / 2
                dts.append((x0, y0, x0 + 100, y0 + 100, 0, rng.next(32) / 32))
        data.append((gts, dts))
    return data


def area(b):
    return (b[2] - b[0]) * (b[3] - b[1])


def iou(d, g):
    w = min(d[2], g[2]) - max(d[0], g[0])
    h = min(d[3], g[3]) - max(d[1], g[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (area(d) + area(g) - inter)


IOU_THRS = np.linspace(.5, 0.95, 10)
REC_THRS = np.linspace(.0, 1.00, 101)
AREA_RNG = [[0, 1e10], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e10]]
MAX_DETS = [1, 10, 100]


def match_image(gts, dts, cls, rng):
    """pycocotools' evaluateImg for one image, class and area range."""
    g = [b for b in gts if b[4] == cls]
    d = [b for b in dts if b[4] == cls]
    if not g and not d:
        return None
    gig = np.array([area(b) < rng[0] or area(b) > rng[1] for b in g], dtype=bool)
    order = np.argsort(gig.astype(int), kind='mergesort')
    g, gig = [g[i] for i in order], gig[order]
    d = [d[i] for i in np.argsort([-b[5] for b in d], kind='mergesort')][:100]
    T, D, G = len(IOU_THRS), len(d), len(g)
    dtm, dtig, gtm = np.zeros((T, D), bool), np.zeros((T, D), bool), np.zeros((T, G), bool)
    for t, thr in enumerate(IOU_THRS):
        for di in range(D):
            best, m = min(thr, 1 - 1e-10), -1
            for gi in range(G):
                if gtm[t, gi]:
                    continue
                if m > -1 and not gig[m] and gig[gi]:
                    break
                o = iou(d[di], g[gi])
                if o < best:
                    continue
                best, m = o, gi
            if m > -1:
                dtm[t, di], dtig[t, di], gtm[t, m] = True, gig[m], True
    outside = np.array([area(b) < rng[0] or area(b) > rng[1] for b in d], dtype=bool)
    dtig |= ~dtm & outside[None, :]
    return dict(scores=np.array([b[5] for b in d]), dtm=dtm, dtig=dtig, npig=int((~gig).sum()))


def accumulate(evals, max_det):
    """pycocotools' accumulate for one class, area range and detection limit: precision [T, R] and recall [T], or None."""
    evals = [e for e in evals if e is not None]
    if not evals:
        return None
    npig = sum(e['npig'] for e in evals)
    if npig == 0:
        return None
    scores = np.concatenate([e['scores'][:max_det] for e in evals])
    inds = np.argsort(-scores, kind='mergesort')
    dtm = np.concatenate([e['dtm'][:, :max_det] for e in evals], axis=1)[:, inds]
    dtig = np.concatenate([e['dtig'][:, :max_det] for e in evals], axis=1)[:, inds]
    tps = np.cumsum(dtm & ~dtig, axis=1).astype(float)
    fps = np.cumsum(~dtm & ~dtig, axis=1).astype(float)
    precision, recall = np.zeros((len(IOU_THRS), len(REC_THRS))), np.zeros(len(IOU_THRS))
    for t in range(len(IOU_THRS)):
        rc = tps[t] / npig
        pr = list(tps[t] / (fps[t] + tps[t] + np.spacing(1)))
        recall[t] = rc[-1] if len(rc) else 0
        for i in range(len(pr) - 1, 0, -1):
            pr[i - 1] = max(pr[i - 1], pr[i])
        for r, pi in enumerate(np.searchsorted(rc, REC_THRS, side='left')):
            if pi >= len(pr):
                break
            precision[t, r] = pr[pi]
    return precision, recall


def coco(data):
    curves = {}
    for k in range(CLASSES):
        for a, rng in enumerate(AREA_RNG):
            evals = [match_image(gts, dts, k, rng) for gts, dts in data]
            for m, md in enumerate(MAX_DETS):
                curves[k, a, m] = accumulate(evals, md)

    def mean(values):
        values = [v for v in values if v is not None]
        return float(np.mean(np.concatenate([np.ravel(v) for v in values]))) if values else -1.0

    def ap(a, t=None):
        return mean([c[0] if t is None else c[0][t] for c in (curves[k, a, 2] for k in range(CLASSES)) if c is not None])

    def ar(a, m):
        return mean([c[1] for c in (curves[k, a, m] for k in range(CLASSES)) if c is not None])

    stats = [ap(0), ap(0, 0), ap(0, 5), ap(1), ap(2), ap(3), ar(0, 0), ar(0, 1), ar(0, 2), ar(1, 2), ar(2, 2), ar(3, 2)]
    per_class = [float(curves[k, 0, 2][0].mean()) if curves[k, 0, 2] is not None else -1.0 for k in range(CLASSES)]
    return stats, per_class


def voc(data, eleven):
    aps = []
    for k in range(CLASSES):
        gts = [[b for b in g if b[4] == k] for g, _ in data]
        npos = sum(len(g) for g in gts)
        if npos == 0:
            aps.append(-1.0)
            continue
        dets = [(i, b) for i, (_, d) in enumerate(data) for b in d if b[4] == k]
        dets = [dets[j] for j in np.argsort([-b[5] for _, b in dets], kind='mergesort')]
        taken = [[False] * len(g) for g in gts]
        tp = np.zeros(len(dets))
        for j, (i, b) in enumerate(dets):
            ovs = [iou(b, g) for g in gts[i]]
            if ovs and max(ovs) >= 0.5 and not taken[i][int(np.argmax(ovs))]:
                taken[i][int(np.argmax(ovs))] = True
                tp[j] = 1
        tp = np.cumsum(tp)
        rec, prec = tp / npos, tp / np.arange(1, len(dets) + 1)
        if eleven:
            aps.append(sum(max([p for r, p in zip(rec, prec) if r >= t], default=0) / 11 for t in np.arange(0., 1.1, 0.1)))
        else:
            mrec, mpre = np.concatenate(([0.], rec, [1.])), np.concatenate(([0.], prec, [0.]))
            for i in range(len(mpre) - 2, -1, -1):
                mpre[i] = max(mpre[i], mpre[i + 1])
            i = np.where(mrec[1:] != mrec[:-1])[0]
            aps.append(float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])))
    present = [a for a in aps if a >= 0]
    return float(np.mean(present)), aps


def cs(values):
    return ', '.join(repr(float(v)) for v in values)


if __name__ == '__main__':
    data = generate()
    print('// objects', sum(len(g) for g, _ in data), 'detections', sum(len(d) for _, d in data))
    stats, per_class = coco(data)
    print(f'CocoStats = [{cs(stats)}]')
    print(f'CocoPerClass = [{cs(per_class)}]')
    for eleven in (False, True):
        m, aps = voc(data, eleven)
        print(f'Voc{"Eleven" if eleven else "AllPoints"} = {m!r}, [{cs(aps)}]')
