using System.Numerics;
using System.Runtime.Intrinsics;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests;

/// <summary>
/// Proves that each SIMD leg of scripts/test.sh runs the vector width it is named after. The script sets
/// <c>BIOIMAGE_EXPECT_SIMD</c> (<c>512</c>, <c>128</c> or <c>scalar</c>) beside the runtime switches of the leg, and
/// this test fails when the runtime gives another width — a CPU without AVX-512 under
/// <c>DOTNET_MaxVectorTBitWidth=512</c> quietly keeps 256 bits, so without it the leg would re-run the 256-bit path
/// and pass. (The script skips the 512-bit leg, and says so, on a CPU without avx512f.) Without the variable the
/// test checks only that <see cref="Simd{T}"/> agrees with the runtime.
/// </summary>
public class SimdLegTests
{
    /// <summary>The variable the test script sets in each SIMD leg.</summary>
    public const string Expectation = "BIOIMAGE_EXPECT_SIMD";

    [Fact]
    public void The_vector_width_is_the_one_the_test_leg_expects()
    {
        Assert.Equal(Vector.IsHardwareAccelerated && Vector<float>.IsSupported, Simd<float>.IsAccelerated);
        Assert.Equal(Simd<float>.IsAccelerated ? Vector<float>.Count : 1, Simd<float>.Lanes);
        string widths = $"Vector<byte>.Count {Vector<byte>.Count}, Vector.IsHardwareAccelerated {Vector.IsHardwareAccelerated}, "
            + $"Vector128/256/512.IsHardwareAccelerated {Vector128.IsHardwareAccelerated}/{Vector256.IsHardwareAccelerated}/{Vector512.IsHardwareAccelerated}";
        switch (Environment.GetEnvironmentVariable(Expectation))
        {
            case null or "":
                break;
            case "512":
                Assert.True(Vector512.IsHardwareAccelerated && Vector<byte>.Count == 64 && Simd<float>.Lanes == 16, $"The 512-bit leg runs without 512-bit vectors (no AVX-512 on this CPU, or DOTNET_MaxVectorTBitWidth / DOTNET_PreferredVectorBitWidth not 512): {widths}.");
                break;
            case "128":
                Assert.True(Vector128.IsHardwareAccelerated && !Vector256.IsHardwareAccelerated && Vector<byte>.Count == 16 && Simd<float>.Lanes == 4, $"The 128-bit leg does not run 128-bit vectors: {widths}.");
                break;
            case "scalar":
                Assert.True(!Vector128.IsHardwareAccelerated && !Vector.IsHardwareAccelerated && !Simd<float>.IsAccelerated && Simd<float>.Lanes == 1, $"The scalar leg runs with hardware intrinsics: {widths}.");
                break;
            case var other:
                Assert.Fail($"{Expectation}={other}: expected 512, 128 or scalar.");
                break;
        }
    }
}
