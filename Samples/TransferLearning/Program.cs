using System.Globalization;
using MLNet.Cnn.Samples.TransferLearning;

// dotnet run -c Release --project Samples/TransferLearning [-- --data DIR --pretrain-epochs N --epochs N --per-class N --cut BLOCK --seed N --out DIR]
var options = new TransferOptions();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--help" or "-h" || i + 1 >= args.Length)
    {
        Console.WriteLine(TransferOptions.Usage);
        return args[i] is "--help" or "-h" ? 0 : 2;
    }
    string value = args[++i];
    int Number() => int.Parse(value, CultureInfo.InvariantCulture);
    switch (args[i - 1])
    {
        case "--data": options = options with { DataDirectory = value }; break;
        case "--pretrain-epochs": options = options with { PretrainEpochs = Number() }; break;
        case "--epochs": options = options with { Epochs = Number() }; break;
        case "--per-class": options = options with { PerClass = Number() }; break;
        case "--cut": options = options with { Cut = value }; break;
        case "--seed": options = options with { Seed = Number() }; break;
        case "--pretrain-per-class": options = options with { PretrainPerClass = Number() }; break;
        case "--out": options = options with { OutputDirectory = value }; break;
        default:
            Console.Error.WriteLine($"unknown option {args[i - 1]}");
            Console.Error.WriteLine(TransferOptions.Usage);
            return 2;
    }
}
if (!MLNet.Cnn.Data.FashionMnist.IsAvailable(options.DataDirectory))
{
    Console.Error.WriteLine(MLNet.Cnn.Data.FashionMnist.NotFoundMessage(options.DataDirectory));
    return 3;
}
var result = TransferSample.Run(options, Console.Out);
Console.WriteLine($"RESULT transfer={result.TransferAccuracy:F4} scratch={result.ScratchAccuracy:F4}");
return 0;
