using System.Buffers;

namespace BioImage.Kernels;

/// <summary>Growing and returning arrays rented from <see cref="ArrayPool{T}.Shared"/> (an empty array means "none rented").</summary>
internal static class PooledArrays
{
    /// <summary>Replaces <paramref name="array"/> by a rented one of at least <paramref name="capacity"/> elements holding its first <paramref name="used"/>.</summary>
    public static void Grow<T>(ref T[] array, int used, int capacity)
    {
        var grown = ArrayPool<T>.Shared.Rent(capacity);
        array.AsSpan(0, used).CopyTo(grown);
        Return(ref array);
        array = grown;
    }

    /// <summary>Returns <paramref name="array"/> to the pool (unless it is empty) and leaves an empty array in its place.</summary>
    public static void Return<T>(ref T[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<T>.Shared.Return(array);
        }

        array = [];
    }
}
