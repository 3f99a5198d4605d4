using System.Runtime.InteropServices;

namespace BioImage.Interop;

/// <summary>
/// Library-owned result buffers for outputs whose size only the computation knows (unique values, the morphology
/// table, the contingency table): an export allocates them with <see cref="NativeMemory"/>, hands out the pointer
/// and the caller copies the contents and releases them with <c>bk_free</c> (<see cref="Blockwise.Free"/>) — never
/// with its own free().
/// </summary>
internal static unsafe class NativeBuffers
{
    /// <summary>A library-owned copy of <paramref name="items"/> (at least one byte, so never NULL).</summary>
    internal static T* CopyOut<T>(ReadOnlySpan<T> items)
        where T : unmanaged
    {
        var buffer = (T*)NativeMemory.Alloc((nuint)Math.Max(items.Length, 1), (nuint)sizeof(T));
        items.CopyTo(new Span<T>(buffer, items.Length));
        return buffer;
    }
}
