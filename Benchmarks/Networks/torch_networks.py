"""The PyTorch side of `dotnet run -c Release --project Benchmarks -- networks`.

One process per network (so its peak RSS is that network's alone). It builds the model, a fixed random batch, SGD
(momentum 0.9, lr 0.01) and cross-entropy, prints {"event": "ready", ...}, then answers commands on stdin with one
JSON line each:
  train N   N training steps (zero_grad, forward, loss, backward, step): {"seconds": [...]}
  infer N   N inference calls (eval mode, inference_mode): {"seconds": [...]}
  report    {"peak_mib": ru_maxrss, "baseline_mib": ru_maxrss after the imports, "loss": last training loss}
  quit
Each call is timed here with perf_counter, so the pipe to the C# side is not counted.
"""
import argparse
import json
import math
import resource
import sys
import time

import torch
import torchvision
from torch import nn
from torchvision.models.resnet import BasicBlock


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


BASELINE_MIB = rss_mib()


def lenet5(channels, height, width, classes):
    """Core/Models/LeNet5.cs: conv 5×5 (6, padding 2), ReLU, max-pool 2, conv 5×5 (16), ReLU, max-pool 2, dense 120-84-classes."""
    h, w = (height // 2 - 4) // 2, (width // 2 - 4) // 2
    return nn.Sequential(
        nn.Conv2d(channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * h * w, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, classes))


def resnet_small(channels, classes, widths=(16, 32, 64)):
    """Core/Models/ResNetSmall.cs: 3×3 stem (no bias) + BN + ReLU, one torchvision BasicBlock per width (stride 2 from the
    second on, 1×1 conv + BN shortcut when the shape changes), global average pooling, dense."""
    layers = [nn.Conv2d(channels, widths[0], 3, padding=1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()]
    inplanes = widths[0]
    for stage, planes in enumerate(widths):
        stride = 1 if stage == 0 else 2
        downsample = None if stride == 1 and inplanes == planes else nn.Sequential(
            nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
        layers.append(BasicBlock(inplanes, planes, stride, downsample))
        inplanes = planes
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(inplanes, classes)]
    return nn.Sequential(*layers)


def build(name, image, classes):
    channels, height, width = image
    if name == "lenet5":
        return lenet5(channels, height, width, classes)
    if name == "resnet_small":
        return resnet_small(channels, classes)
    # torchvision's own builders; weights=None: random initialization, nothing downloaded
    return getattr(torchvision.models, name)(weights=None, num_classes=classes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=["lenet5", "resnet_small", "resnet18", "resnet50", "mobilenet_v2", "efficientnet_b0"])
    parser.add_argument("--image", type=int, nargs=3, required=True, metavar=("C", "H", "W"))
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    model = build(args.model, args.image, args.classes)
    images = torch.rand(args.batch, *args.image)
    labels = torch.randint(0, args.classes, (args.batch,))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    last_loss = None

    def train_step():
        nonlocal last_loss
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        last_loss = loss.item()

    def infer():
        with torch.inference_mode():
            model(images)

    def timed(call, n):
        seconds = []
        for _ in range(n):
            start = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - start)
        return seconds

    def reply(**fields):
        print(json.dumps(fields), flush=True)

    reply(event="ready", parameters=sum(p.numel() for p in model.parameters()), torch=torch.__version__,
          torchvision=torchvision.__version__, threads=torch.get_num_threads(), onednn=torch.backends.mkldnn.is_available())
    for line in sys.stdin:
        command, *rest = line.split()
        if command == "train":
            model.train()
            reply(seconds=timed(train_step, int(rest[0])))
        elif command == "infer":
            model.eval()
            reply(seconds=timed(infer, int(rest[0])))
        elif command == "report":
            finite = last_loss is None or math.isfinite(last_loss)
            reply(peak_mib=rss_mib(), baseline_mib=BASELINE_MIB, loss=last_loss if finite else str(last_loss))
        elif command == "quit":
            break
        else:
            reply(error=f"unknown command {line.strip()!r}")


if __name__ == "__main__":
    main()
