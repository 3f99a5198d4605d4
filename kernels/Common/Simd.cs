using System.Numerics;

namespace BioImage.Kernels;

/// <summary>Whether the <see cref="Vector{T}"/> paths of the kernels run for element type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <remarks>
/// Kernels write their SIMD loop once over <see cref="Vector{T}"/> and fall back to a scalar loop otherwise.
/// The register width is chosen by the runtime per process: 256 bits by default on AVX2/AVX-512 machines,
/// 512 bits with <c>DOTNET_MaxVectorTBitWidth=512</c>, 128 bits with <c>DOTNET_EnableAVX=0</c>, and
/// scalar with <c>DOTNET_EnableHWIntrinsic=0</c>: the test script runs a leg under each of these.
/// </remarks>
public static class Simd<T>
{
    /// <summary>True when <see cref="Vector{T}"/> is hardware accelerated for <typeparamref name="T"/>.</summary>
    public static readonly bool IsAccelerated = Vector.IsHardwareAccelerated && Vector<T>.IsSupported;

    /// <summary>Elements per <see cref="Vector{T}"/> register, or 1 on the scalar path.</summary>
    public static readonly int Lanes = IsAccelerated ? Vector<T>.Count : 1;
}
