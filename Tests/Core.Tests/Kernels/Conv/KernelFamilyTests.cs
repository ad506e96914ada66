using MLNet.Cnn.Kernels;

namespace MLNet.Cnn.Tests.Kernels;

/// <summary>
/// Runs the convolution tests again with every narrower GEMM micro-kernel family this CPU can run, and the
/// depthwise kernel at 256 bits, so the AVX2 (6×16 tiles) and portable (4×4) paths are checked on an
/// AVX-512 machine too: the dispatch as the rule picks it, and every case through each path (batch folded,
/// in one chunk and in chunks of two images, and per image).
/// </summary>
[TestClass]
public sealed class KernelFamilyTests
{
    [TestMethod]
    public void ConvolutionMatchesReferenceWithEveryMicroKernelFamily()
    {
        var native = Gemm.DefaultKernel;
        var nativeWidth = DepthwiseConv2d.Width;
        try
        {
            DepthwiseConv2d.Width = VectorWidth.Bits256;
            foreach (var family in Enum.GetValues<GemmKernel>().Where(k => k < Gemm.NativeKernel))
            {
                Gemm.DefaultKernel = family;
                var tests = new ConvolutionTests();
                tests.ForwardMatchesReference();
                tests.BackwardMatchesReference();
                tests.EveryPathMatchesReference();
                tests.DirectPathMatchesReference();
                if (ChannelBlocks.CurrentLanes > 0)   // the portable family has no channel blocks
                {
                    new ChannelBlocksTests().PlanesGoToBlocksAtTheDocumentedPlacesAndBack();
                    new ChannelBlocksTests().ConvolutionIntoBlocksEqualsThePlanesPath();
                }
                tests.BothDepthwiseKernelsMatchReference();
                new ConvTransposeTests().ForwardAndBackwardMatchReference();
                new ConvTransposeTests().EveryPathMatchesReference();
            }
        }
        finally
        {
            Gemm.DefaultKernel = native;
            DepthwiseConv2d.Width = nativeWidth;
        }
    }
}
