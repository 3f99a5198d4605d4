using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>Reinterpretations of views that kernels need internally (a bool is one byte, 0 or 1).</summary>
internal static class ViewCasts
{
    /// <summary>The same elements viewed as bytes: false → 0, true → 1.</summary>
    public static ReadOnlySpan3D<byte> AsBytes(ReadOnlySpan3D<bool> view)
    {
        if (view.IsEmpty)
        {
            return new ReadOnlySpan3D<byte>([], view.Layout);
        }

        ref bool origin = ref Unsafe.AsRef(in view.DangerousGetReferenceAt(0, 0, 0));
        return new ReadOnlySpan3D<byte>(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<bool, byte>(ref origin), view.Layout.RequiredLength), view.Layout);
    }
}
