using Orleans.Configuration;

namespace MLNet.Cnn.Distributed.Training;

/// <summary>
/// The message size data-parallel training needs: a gradient travels as one message, and Orleans refuses bodies over
/// 100 MB by default — less than ResNet-50's 25.6 M floats (102.4 MB). Both ends (silos and the client that runs the
/// coordinator) take messages up to <see cref="MaxMessageBodySize"/>.
/// </summary>
public static class GradientMessaging
{
    /// <summary>1 GiB: a gradient of up to 268 M float parameters.</summary>
    public const int MaxMessageBodySize = 1 << 30;

    /// <summary>Lets the silo's messages carry a whole gradient.</summary>
    public static void Configure(SiloMessagingOptions options) => options.MaxMessageBodySize = MaxMessageBodySize;

    /// <summary>Lets the client's messages carry a whole gradient.</summary>
    public static void Configure(ClientMessagingOptions options) => options.MaxMessageBodySize = MaxMessageBodySize;
}
