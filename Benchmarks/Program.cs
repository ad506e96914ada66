using MLNet.Cnn.Benchmarks;
using MLNet.Cnn.Benchmarks.Adapter;
using MLNet.Cnn.Benchmarks.Augment;
using MLNet.Cnn.Benchmarks.Conv;
using MLNet.Cnn.Benchmarks.Data;
using MLNet.Cnn.Benchmarks.Deploy;
using MLNet.Cnn.Benchmarks.Distributed;
using MLNet.Cnn.Benchmarks.Networks;
using MLNet.Cnn.Benchmarks.Pretrained;
using MLNet.Cnn.Benchmarks.Scenes;
using MLNet.Cnn.Benchmarks.Torchvision;

// dotnet run -c Release --project Benchmarks -- <conv|convpaths|gemm|adapter|augment|deploy|networks|data|pretrained|torchvision|scenes|gradients> [name filter] [--calls N] [--threads N]
const string Usage = """
    usage: <conv|convpaths|gemm|adapter|augment|deploy|networks|data|pretrained|torchvision|scenes|gradients> [name-filter] [--calls N] [--threads N]
      conv     Conv2d forward beside ONNX Runtime, and our forward+backward; writes Benchmarks/results/conv.csv
      convpaths  Conv2d's three passes on small maps, batch folded into the GEMM vs per image; writes Benchmarks/results/convpaths.csv
      gemm     our GEMM alone on square and conv-like sizes
      adapter  LeNet-5 on Fashion-MNIST trained by the core loop and by the ML.NET pipeline; writes Benchmarks/results/adapter.csv
      augment  one SmallVgg epoch on Fashion-MNIST without and with augmentation (per-image ops, mixup); writes Benchmarks/results/augment.csv
      deploy   inference of whole networks (batch 1 and 64): core forward, ONNX Runtime float and int8; writes Benchmarks/results/deploy.threadsN.csv
      networks whole networks (LeNet-5 … ResNet-50, EfficientNet-B0): core training and inference images/s beside PyTorch
               (child process) and ONNX Runtime, peak memory, parameter counts; writes Benchmarks/results/networks.csv
      data     loader-only throughput (JPEG → pixel cache; cache → augmented batches) beside ResNet-18's training step at
               3x128x128 ("data loader", writes data.loader.csv); then 100,000 JPEG photos trained for one epoch of SmallVgg
               through the ML.NET trainer with its peak memory, beside in-memory training ("data scale", writes
               data.scale.csv; MLNET_CNN_DATA_SCALE_IMAGES=N for another count)
      pretrained  ML.NET's ImageNet ResNet-18 frozen, fine-tuned, and ResNet-18 from scratch on 50 colorized Fashion-MNIST
               images per class at 3x224x224: test accuracy and time; writes pretrained.csv
      torchvision FOLDER  the exports of '/usr/bin/python3 Benchmarks/Torchvision/export.py FOLDER' (23 torchvision models at
               opsets 13 and 17) imported, their logits compared with PyTorch's, 3 SGD steps; writes torchvision.csv
      scenes [SEGMENTER.cnn]  issue 16's generated scenes with perfect boxes and masks, classes from a 10-minute classifier
               on the items' original pixels and on their crops in the scenes (accuracy by hidden fraction): the mIoU, VOC
               and COCO figures classification alone allows; with a segmenter's model file, where it loses mIoU; writes scenes.csv
      gradients  a gradient of ResNet-18's and ResNet-50's size sent between two Orleans silos on loopback: the
               communication cost of a data-parallel step (docs/scaling.md); writes gradients.csv
      name-filter  run only the shapes or networks whose name contains this text
      --calls N    timed calls (training steps for networks) per measurement (default 30; warm-up: at least 3 calls and 1.5 s)
      --threads N  threads for our kernels, ONNX Runtime and PyTorch (default 2)
    """;

// The child process `networks` starts to train one network with the core; it speaks a line protocol on stdin/stdout.
if (args.FirstOrDefault() == TrainingWorker.Command) return TrainingWorker.Serve(args[1..]);

Action<BenchmarkOptions>? run = args.FirstOrDefault() switch
{
    "conv" => ConvBenchmark.Run,
    "convpaths" => ConvPathBenchmark.Run,
    "gemm" => GemmBenchmark.Run,
    "adapter" => AdapterBenchmark.Run,
    "augment" => AugmentBenchmark.Run,
    "deploy" => DeployBenchmark.Run,
    "networks" => NetworkBenchmark.Run,
    "data" => DataBenchmark.Run,
    "pretrained" => PretrainedTransferBenchmark.Run,
    "torchvision" => TorchvisionBenchmark.Run,
    "scenes" => SceneCeilingBenchmark.Run,
    "gradients" => GradientTransferBenchmark.Run,
    _ => null,
};
if (run is null)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
if (!BenchmarkOptions.TryParse(args[1..], out var options, out string? error))
{
    Console.Error.WriteLine($"{error}\n{Usage}");
    return 2;
}

MachineInfo.Print(options);
run(options);
return 0;
