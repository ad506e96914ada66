// Samples/Augmentation, step by step: each augmentation op applied to one Fashion-MNIST image several times, as successive
// epochs of training would see it (every draw from its own seeded Random), written as a PNG grid: a row per op, the
// original first. In training the same ops go in TrainerOptions.Augmentation or ml.Transforms.Augment(...).
//   dotnet run Samples/Apps/augmentation.cs [-- --out augmentation.png --data DIR]
#:project ../../Core/MLNet.Cnn.Core.csproj
#:package SkiaSharp@3.119.4
#:package SkiaSharp.NativeAssets.Linux.NoDependencies@3.119.4
#:property PublishAot=false

using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using SkiaSharp;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
string output = Option("--out") ?? "augmentation.png", data = Option("--data") ?? FashionMnist.DebianDirectory;
if (!FashionMnist.IsAvailable(data))
{
    Console.Error.WriteLine(FashionMnist.NotFoundMessage(data));
    return 3;
}

// 1. One image: the first test image, 1×28×28 in [0, 1].
const int Size = 28, Draws = 7, Zoom = 3;
float[] image = FashionMnist.LoadTest(data).Pixels(0).ToArray();

// 2. The ops (namespace MLNet.Cnn.Augment), with settings typical for small images, and a pipeline of several.
(string Title, IAugmentation Op)[] ops =
[
    ("horizontal flip", new HorizontalFlip()),
    ("crop, zero padding 4", new RandomCrop(Size, Size, padding: 4)),
    ("crop, reflect padding 4", new RandomCrop(Size, Size, padding: 4, mode: PaddingMode.Reflect)),
    ("resized crop", new RandomResizedCrop(Size, Size, scale: (0.5, 1))),
    ("rotation ±20°", new RandomRotation(20)),
    ("affine: shear, scale", new RandomAffine(10, translate: (0.1, 0.1), scale: (0.9, 1.1), shear: 15)),
    ("elastic warp", new ElasticWarp(34, 4)),
    ("random erasing", new RandomErasing(probability: 1)),
    ("flip + crop + jitter + erasing", new AugmentationPipeline(new HorizontalFlip(), new RandomCrop(Size, Size, padding: 2),
        new ColorJitter(brightness: 0.3, contrast: 0.3), new RandomErasing())),
];

// 3. Draws: each op applied to a fresh copy, with its own Random per draw.
using var grid = new SKBitmap((Draws + 1) * Size * Zoom, ops.Length * Size * Zoom, SKColorType.Gray8, SKAlphaType.Opaque);
for (int row = 0; row < ops.Length; row++)
{
    Console.WriteLine($"row {row + 1}: {ops[row].Title}");
    for (int column = 0; column <= Draws; column++)
    {
        var sample = new AugmentationSample((float[])image.Clone(), 1, Size, Size);
        if (column > 0) ops[row].Op.Apply(sample, new Random(1000 * row + column));
        for (int y = 0; y < Size * Zoom; y++)
            for (int x = 0; x < Size * Zoom; x++)
            {
                byte gray = (byte)Math.Clamp(sample.Pixels[y / Zoom * Size + x / Zoom] * 255, 0, 255);
                grid.SetPixel(column * Size * Zoom + x, row * Size * Zoom + y, new SKColor(gray, gray, gray));
            }
    }
}
using (var file = File.Create(output)) grid.Encode(file, SKEncodedImageFormat.Png, 100);
Console.WriteLine($"wrote {Path.GetFullPath(output)}: a row per op, the original then {Draws} draws");
return 0;
