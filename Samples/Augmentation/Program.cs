using MLNet.Cnn.Augment;
using MLNet.Cnn.Data;
using MLNet.Cnn.Samples.Augmentation;

// dotnet run -c Release --project Samples/Augmentation [-- --out augmentation.png] [--data DIR]
string output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "augmentation.png";
string? data = args.SkipWhile(a => a != "--data").Skip(1).FirstOrDefault();
const int Draws = 7;
var rows = new List<GalleryRow>();

if (FashionMnist.IsAvailable(data))
{
    var test = FashionMnist.LoadTest(data);
    rows.AddRange(AugmentationGallery.Rows("gray", test.Pixels(0).ToArray(), 1, 28,
        Gallery.Geometry(28).Append(Gallery.Pipeline(28)), Draws, seed: 1));
}
else Console.WriteLine("Fashion-MNIST not found (apt-get install -y dataset-fashion-mnist): the gallery shows the RGB picture only.");

const int Scene = 32;
var scenes = Enumerable.Range(0, 64).Select(v => SyntheticScene.Draw(Scene, v)).ToArray();
rows.AddRange(AugmentationGallery.Rows("RGB", scenes[0], 3, Scene, Gallery.Geometry(Scene).Concat(Gallery.Color(scenes, 3)).Append(Gallery.Pipeline(Scene)), Draws, seed: 2));
AugmentationGallery.Picture(rows).SavePng(output);
Console.WriteLine($"wrote {Path.GetFullPath(output)}: each row is the original, then {Draws} draws of one op");
return 0;
