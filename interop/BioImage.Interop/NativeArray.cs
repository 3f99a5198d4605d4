using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace BioImage.Interop;

/// <summary>
/// The C ABI's array descriptor <c>bk_array</c> (see bioimage.h): where element [0, …, 0] is, its element type,
/// and per axis the extent and the stride in ELEMENTS (not bytes; negative strides walk backwards from
/// <see cref="Data"/>). The caller owns the memory; the library reads or writes it only during a call.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct NativeArray
{
    /// <summary>Most axes a descriptor can describe.</summary>
    public const int MaxDimensions = 8;

    /// <summary>Address of element [0, …, 0].</summary>
    public void* Data;

    /// <summary>Element type (<see cref="ElementType"/>).</summary>
    public ElementType DType;

    /// <summary>Number of axes, 0 to <see cref="MaxDimensions"/>.</summary>
    public int NDim;

    /// <summary>Extent per axis (entries beyond <see cref="NDim"/> are ignored).</summary>
    public fixed long Shape[MaxDimensions];

    /// <summary>Distance in elements between neighbours along each axis; may be negative or zero.</summary>
    public fixed long Strides[MaxDimensions];
}

/// <summary>Element type codes of <c>bk_array.dtype</c> (BK_DTYPE_*), stable across ABI versions.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are numpy's dtype names, which users know.")]
public enum ElementType
{
    /// <summary>uint8.</summary>
    UInt8 = 1,

    /// <summary>uint16.</summary>
    UInt16 = 2,

    /// <summary>uint32.</summary>
    UInt32 = 3,

    /// <summary>uint64.</summary>
    UInt64 = 4,

    /// <summary>int8.</summary>
    Int8 = 5,

    /// <summary>int16.</summary>
    Int16 = 6,

    /// <summary>int32.</summary>
    Int32 = 7,

    /// <summary>int64.</summary>
    Int64 = 8,

    /// <summary>float32.</summary>
    Float32 = 9,

    /// <summary>float64.</summary>
    Float64 = 10,

    /// <summary>bool (one byte, 0 or 1).</summary>
    Bool = 11,
}

/// <summary>Status codes every export returns (BK_OK, BK_ERR_*); the message of a failure is in bk_last_error.</summary>
public static class Status
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A bad argument: shape, stride, value out of range, null pointer (Python: ValueError).</summary>
    public const int InvalidArgument = 1;

    /// <summary>An element type the function does not accept (Python: TypeError).</summary>
    public const int UnsupportedDType = 2;

    /// <summary>Memory ran out (Python: MemoryError).</summary>
    public const int OutOfMemory = 3;

    /// <summary>The data cannot be processed as asked, e.g. more labels than the output type holds (Python: ValueError).</summary>
    public const int DataCondition = 4;

    /// <summary>A file or store could not be read or written (Python: OSError).</summary>
    public const int IOError = 5;

    /// <summary>A block-wise run failed on some blocks (Python: the run error carrying the failed block ids).</summary>
    public const int RunFailed = 6;

    /// <summary>A bug in the library; the message says where (Python: RuntimeError).</summary>
    public const int Internal = 7;
}
