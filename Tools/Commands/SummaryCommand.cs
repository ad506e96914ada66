using System.CommandLine;
using MLNet.Cnn.Models;
using MLNet.Cnn.Tool.Models;

namespace MLNet.Cnn.Tool.Commands;

/// <summary><c>summary</c>: the network's layer table (Keras's model.summary()) and its classes.</summary>
internal sealed class SummaryCommand : IToolCommand
{
    public int Order => 50;

    public Command Create()
    {
        var model = ToolOptions.Model("its model.cnn (or a model.zip with its .cnn beside it)");
        var command = new Command("summary", "Show the trained network layer by layer: output shapes, parameters, multiply-adds, and its classes.") { model };
        command.SetAction(parse =>
        {
            var network = CoreModelFile.Load(parse.GetValue(model)!);
            var console = parse.InvocationConfiguration.Output;
            console.WriteLine(ModelSummary.Of(network));
            console.WriteLine($"Classes ({network.ClassNames.Count}): {string.Join(", ", network.ClassNames)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
