using System.Runtime.InteropServices;

namespace BioImage.Interop;

/// <summary>
/// Library-owned result buffers for outputs whose size only the computation knows (unique values, the morphology
/// table, the contingency table): an export allocates them with <see cref="NativeMemory"/>, hands out the pointer
/// and the caller copies the contents and releases them with <c>bk_free</c> — never with its own free().
/// </summary>
public static unsafe class NativeBuffers
{
    /// <summary><c>void bk_free(void* buffer)</c>: releases a buffer an export returned; NULL is ignored.</summary>
    /// <param name="buffer">A pointer from an export's result, or NULL.</param>
    [UnmanagedCallersOnly(EntryPoint = "bk_free")]
    public static void Free(void* buffer) => NativeMemory.Free(buffer);

    /// <summary>A library-owned copy of <paramref name="items"/> (at least one byte, so never NULL).</summary>
    internal static T* CopyOut<T>(ReadOnlySpan<T> items)
        where T : unmanaged
    {
        var buffer = (T*)NativeMemory.Alloc((nuint)Math.Max(items.Length, 1), (nuint)sizeof(T));
        items.CopyTo(new Span<T>(buffer, items.Length));
        return buffer;
    }
}
