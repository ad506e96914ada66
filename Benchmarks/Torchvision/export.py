#!/usr/bin/python3
"""Exports torchvision 0.14's classification architectures to ONNX, with a fixed input and PyTorch's logits.

    /usr/bin/python3 Benchmarks/Torchvision/export.py /work/tv-exports          # full size: 23 models (≈ 4.5 GB)
    /usr/bin/python3 Benchmarks/Torchvision/export.py --tiny Tests/Core.Tests/Onnx/Torchvision

For each model NAME the folder gets NAME.opset13.onnx and NAME.opset17.onnx (input 'input' and output 'logits' with a
dynamic batch axis), NAME.input.npy (batch 2, float32, fixed seed) and NAME.logits.npy (the model's output on it in
PyTorch, eval mode). For the training check: NAME.labels.npy (random class indices, as float32) and NAME.losses.npy,
PyTorch's cross-entropy before each of 3 SGD steps (learning rate 0.001, no momentum, train mode: batch norm on batch
statistics; dropout and stochastic depth off, as in the exported graph) and after them. A model that fails to export at an
opset gets a line "NAME opsetN: reason" in export-failures.txt (the file is always written, empty when all exported).

The model is in eval mode and exported with TrainingMode.PRESERVE: the default (EVAL) folds every BatchNorm into the
convolution before it, leaving a network without normalization, which diverges when fine-tuned; PRESERVE keeps the
BatchNormalization nodes (inference form, running statistics) as a trainable import needs them.

Weights are random (weights=None, torch.manual_seed), never downloaded. torchvision's initializations leave every
normalization at weight 1, bias 0, mean 0, variance 1 and ConvNeXt's layer scale at 1e-6, which would hide an importer
that ignores them; `randomize_statistics` draws them at random instead (still from the seed).

--tiny builds each family at a small size from torchvision's own classes (its config lists, or its blocks assembled
into the same class), a few hundred KB a file, the test data of Tests/Core.Tests' TorchvisionExportTests.
"""
import argparse
import copy
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision import models
from torchvision.models import convnext, efficientnet, inception, mobilenetv3, regnet, resnet, squeezenet, vgg
from torchvision.models.googlenet import BasicConv2d, GoogLeNet, Inception  # the package's `googlenet` is the builder function

OPSETS = (13, 17)
SEED = 0
TRAINING_STEPS, LEARNING_RATE = 3, 0.001  # TorchvisionExportCheck.cs uses the same


def full_size():
    """(name, builder, input side): torchvision 0.14's classification builders, random weights."""
    def tv(name, side=224, **kwargs):
        return name, lambda: getattr(models, name)(weights=None, **kwargs), side
    return [
        tv("resnet18"), tv("resnet50"), tv("resnext50_32x4d"), tv("wide_resnet50_2"),
        tv("vgg11_bn"), tv("vgg16_bn"), tv("alexnet"), tv("squeezenet1_0"), tv("squeezenet1_1"),
        tv("densenet121"), tv("googlenet", aux_logits=False, init_weights=True),
        tv("inception_v3", side=299, aux_logits=False, init_weights=True),
        tv("mobilenet_v2"), tv("mobilenet_v3_small"), tv("mobilenet_v3_large"), tv("mnasnet0_5"),
        tv("shufflenet_v2_x0_5"), tv("shufflenet_v2_x1_0"), tv("efficientnet_b0"), tv("efficientnet_v2_s"),
        tv("regnet_x_400mf"), tv("regnet_y_400mf"), tv("convnext_tiny"),
    ]


def tiny_resnet(block, widths, groups=1, width_per_group=64):
    """torchvision's ResNet with its stem and stages rebuilt narrow by its own _make_layer (the widths are fixed in __init__)."""
    model = resnet.ResNet(block, [1, 1, 1, 1], num_classes=10, groups=groups, width_per_group=width_per_group)
    model.inplanes = widths[0]
    model.conv1 = nn.Conv2d(3, widths[0], kernel_size=7, stride=2, padding=3, bias=False)
    model.bn1 = nn.BatchNorm2d(widths[0])
    model.layer1 = model._make_layer(block, widths[0], 1)
    model.layer2 = model._make_layer(block, widths[1], 1, stride=2)
    model.layer3 = model._make_layer(block, widths[2], 1, stride=2)
    model.layer4 = model._make_layer(block, widths[3], 2, stride=2)
    model.fc = nn.Linear(widths[3] * block.expansion, 10)
    return model


def tiny_vgg():
    """VGG with batch norm from a short make_layers list: 56x56 → 7x7 after three pools, as 224 → 7 after five."""
    model = vgg.VGG(vgg.make_layers([8, "M", 16, "M", 16, 16, "M"], batch_norm=True), num_classes=10)
    model.classifier = nn.Sequential(
        nn.Linear(16 * 7 * 7, 32), nn.ReLU(True), nn.Dropout(), nn.Linear(32, 32), nn.ReLU(True), nn.Dropout(), nn.Linear(32, 10))
    return model


def tiny_alexnet():
    """AlexNet's layers (11x11 stride 4 …, 6x6 adaptive pool, dropout + 3 linears) at small widths. One input channel:
    the 6x6 pool needs the full 224x224 input, and three channels would make the input file 1.2 MB."""
    model = models.AlexNet(num_classes=10)
    model.features = nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(8, 16, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(16, 24, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(24, 16, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(16, 16, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2))
    model.classifier = nn.Sequential(
        nn.Dropout(), nn.Linear(16 * 6 * 6, 32), nn.ReLU(inplace=True), nn.Dropout(), nn.Linear(32, 32), nn.ReLU(inplace=True),
        nn.Linear(32, 10))
    return model


def tiny_squeezenet(version):
    """SqueezeNet's stem, ceil-mode pools and Fire modules (squeezenet.Fire) at small widths; its classifier's final conv."""
    model = squeezenet.SqueezeNet(version, num_classes=10)
    Fire = squeezenet.Fire
    pool = lambda: nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)
    stem = nn.Conv2d(3, 16, kernel_size=7, stride=2) if version == "1_0" else nn.Conv2d(3, 16, kernel_size=3, stride=2)
    model.features = nn.Sequential(stem, nn.ReLU(inplace=True), pool(), Fire(16, 4, 8, 8), Fire(16, 4, 8, 8), pool(),
                                   Fire(16, 8, 16, 16), pool(), Fire(32, 8, 16, 16))
    model.classifier[1] = nn.Conv2d(32, 10, kernel_size=1)
    return model


def tiny_googlenet():
    """GoogLeNet (its forward: ceil-mode pools, nine Inception modules) with every module narrow."""
    model = GoogLeNet(num_classes=10, aux_logits=False, init_weights=True)
    model.conv1 = BasicConv2d(3, 8, kernel_size=7, stride=2, padding=3)
    model.conv2 = BasicConv2d(8, 8, kernel_size=1)
    model.conv3 = BasicConv2d(8, 16, kernel_size=3, padding=1)
    for name in ["inception3a", "inception3b", "inception4a", "inception4b", "inception4c", "inception4d", "inception4e",
                 "inception5a", "inception5b"]:
        setattr(model, name, Inception(16, 4, 4, 6, 2, 2, 4))  # 4 + 6 + 2 + 4 = 16 channels out
    model.fc = nn.Linear(16, 10)
    return model


def tiny_mnasnet():
    """MNASNet at alpha 0.1. Its classifier's init scales with fan-out, the class count: with 10 classes the logits reach
    ±10 and the softmax saturates (the loss rises under SGD in PyTorch too), so the weights are scaled to 1000 classes'."""
    model = models.MNASNet(alpha=0.1, num_classes=10)
    with torch.no_grad():
        model.classifier[1].weight.mul_((10 / 1000) ** 0.5)
    return model


class InceptionV3Blocks(nn.Module):
    """Inception v3's InceptionC block (the factorized 1x7 / 7x1 convolutions) between a BasicConv2d stem and the classifier:
    Inception3 itself is not small at any input (its InceptionB/D/E blocks have fixed widths of 190k to 900k parameters)."""

    def __init__(self):
        super().__init__()
        self.stem = inception.BasicConv2d(3, 16, kernel_size=3, stride=2)
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2)
        self.mixed = inception.InceptionC(16, channels_7x7=8)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(768, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.avgpool(self.mixed(self.pool(self.stem(x)))), 1))


def tiny():
    """(name, builder, input side) of the small set, each built with torchvision's classes."""
    IR = mobilenetv3.InvertedResidualConfig
    MB, Fused = efficientnet.MBConvConfig, efficientnet.FusedMBConvConfig
    from functools import partial
    return [
        ("resnet-basic", lambda: tiny_resnet(resnet.BasicBlock, [8, 16, 24, 32]), 64),
        ("resnext-bottleneck", lambda: tiny_resnet(resnet.Bottleneck, [8, 8, 16, 16], groups=4, width_per_group=8), 64),
        ("vgg-bn", tiny_vgg, 56),
        ("alexnet", tiny_alexnet, 224),
        ("squeezenet1_0", lambda: tiny_squeezenet("1_0"), 64),
        ("squeezenet1_1", lambda: tiny_squeezenet("1_1"), 64),
        ("densenet", lambda: models.DenseNet(growth_rate=8, block_config=(2, 2, 2), num_init_features=16, bn_size=2, num_classes=10), 64),
        ("googlenet", tiny_googlenet, 64),
        ("inception-v3-blocks", InceptionV3Blocks, 64),
        ("mobilenet_v2", lambda: models.MobileNetV2(num_classes=10, inverted_residual_setting=[[1, 8, 1, 1], [6, 16, 2, 2], [6, 24, 1, 2]]), 64),
        ("mobilenet_v3", lambda: models.MobileNetV3([
            IR(16, 3, 16, 16, True, "RE", 2, 1, 1.0), IR(16, 3, 48, 24, False, "RE", 2, 1, 1.0),
            IR(24, 5, 72, 24, True, "HS", 1, 1, 1.0), IR(24, 5, 96, 32, True, "HS", 2, 1, 1.0)], last_channel=64, num_classes=10), 64),
        ("mnasnet", tiny_mnasnet, 64),
        ("shufflenet_v2", lambda: models.ShuffleNetV2([1, 2, 1], [8, 16, 32, 64, 128], num_classes=10), 64),
        ("efficientnet", lambda: models.EfficientNet([
            MB(1, 3, 1, 16, 8, 1), MB(6, 3, 2, 8, 16, 2), MB(6, 5, 2, 16, 24, 1)], dropout=0.2, num_classes=10), 64),
        ("efficientnet_v2", lambda: models.EfficientNet([
            Fused(1, 3, 1, 16, 16, 1), Fused(4, 3, 2, 16, 24, 2), MB(4, 3, 2, 24, 32, 1)], dropout=0.2, num_classes=10,
            norm_layer=partial(nn.BatchNorm2d, eps=1e-03), last_channel=128), 64),
        ("regnet_x", lambda: models.RegNet(regnet.BlockParams.from_init_params(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=8),
                                   num_classes=10, stem_width=8), 64),
        ("regnet_y", lambda: models.RegNet(regnet.BlockParams.from_init_params(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25),
                                   num_classes=10, stem_width=8), 64),
        ("convnext", lambda: models.ConvNeXt([convnext.CNBlockConfig(16, 32, 1), convnext.CNBlockConfig(32, 48, 1),
                                      convnext.CNBlockConfig(48, None, 1)], num_classes=10), 64),
    ]


@torch.no_grad()
def randomize_statistics(model, generator):
    """Normalization weights, biases and running statistics, and ConvNeXt's layer scales, drawn at random (see above)."""
    for module in model.modules():
        if isinstance(module, (nn.BatchNorm2d, nn.LayerNorm)):
            module.weight.copy_(0.5 + torch.rand(module.weight.shape, generator=generator))
            module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.copy_(0.1 * torch.randn(module.running_mean.shape, generator=generator))
            module.running_var.copy_(0.5 + torch.rand(module.running_var.shape, generator=generator))
        if isinstance(module, convnext.CNBlock):
            module.layer_scale.copy_(0.1 + 0.2 * torch.rand(module.layer_scale.shape, generator=generator))


def training_losses(model, x, labels):
    """The loss before each SGD step and after the last, in train mode with dropout and stochastic depth off."""
    for module in model.modules():
        if isinstance(module, (nn.Dropout, torchvision.ops.StochasticDepth)):
            module.p = 0.0
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for _ in range(TRAINING_STEPS + 1):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), labels)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return np.array(losses, dtype=np.float32)


def export(name, model, side, folder, failures):
    generator = torch.Generator().manual_seed(SEED)
    randomize_statistics(model, generator)
    model.eval()
    channels = next(m for m in model.modules() if isinstance(m, nn.Conv2d)).in_channels
    x = torch.randn((2, channels, side, side), generator=generator)
    with torch.no_grad():
        logits = model(x)
    labels = torch.randint(0, logits.shape[1], (x.shape[0],), generator=generator)
    np.save(os.path.join(folder, f"{name}.input.npy"), x.numpy())
    np.save(os.path.join(folder, f"{name}.logits.npy"), logits.numpy())
    np.save(os.path.join(folder, f"{name}.labels.npy"), labels.numpy().astype(np.float32))
    np.save(os.path.join(folder, f"{name}.losses.npy"), training_losses(copy.deepcopy(model), x, labels))
    parameters = sum(p.numel() for p in model.parameters())
    for opset in OPSETS:
        path = os.path.join(folder, f"{name}.opset{opset}.onnx")
        try:
            torch.onnx.export(model, x, path, opset_version=opset, do_constant_folding=True, training=torch.onnx.TrainingMode.PRESERVE,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
            print(f"{name} opset {opset}: {parameters:,} parameters, {os.path.getsize(path) / 1e6:.2f} MB, "
                  f"logits {tuple(logits.shape)} max |logit| {logits.abs().max():.3g}", flush=True)
        except Exception as e:  # the export's own error, recorded, and the next model goes on
            reason = " ".join(f"{type(e).__name__}: {e}".split())
            failures.append(f"{name} opset{opset}: {reason}")
            print(f"{name} opset {opset}: EXPORT FAILED: {reason}", flush=True)
            if os.path.exists(path):
                os.remove(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="where the .onnx and .npy files go (created if absent)")
    parser.add_argument("--tiny", action="store_true", help="the small CI set instead of the full-size models")
    parser.add_argument("--only", help="export only the models whose name contains this text")
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}", flush=True)
    failures = []
    for name, build, side in (tiny() if args.tiny else full_size()):
        if args.only is None or args.only in name:
            torch.manual_seed(SEED)
            export(name, build(), side, args.folder, failures)
    with open(os.path.join(args.folder, "export-failures.txt"), "w") as f:
        f.writelines(line + "\n" for line in failures)
    print(f"{len(failures)} export failure(s)" + "".join("\n  " + line for line in failures))


if __name__ == "__main__":
    sys.exit(main())
