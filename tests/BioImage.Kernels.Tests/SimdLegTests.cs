using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests;

/// <summary>Proves that each leg of the test script runs the SIMD width its environment asks for.</summary>
public class SimdLegTests
{
    [Fact]
    public void The_vector_width_follows_the_environment()
    {
        bool intrinsicsOff = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0";
        bool wants512 = Environment.GetEnvironmentVariable("DOTNET_MaxVectorTBitWidth") == "512";
        bool wants128 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX") == "0";
        if (intrinsicsOff)
        {
            Assert.False(Simd<float>.IsAccelerated);
            Assert.Equal(1, Simd<float>.Lanes);
        }
        else
        {
            Assert.True(Simd<float>.IsAccelerated);
            Assert.Equal(Vector<float>.Count, Simd<float>.Lanes);
            if (wants512 && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                Assert.Equal(16, Vector<float>.Count);
            }

            if (wants128)
            {
                Assert.Equal(4, Vector<float>.Count);
            }
        }
    }
}
