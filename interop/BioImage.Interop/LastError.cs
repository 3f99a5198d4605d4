using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

[assembly: DisableRuntimeMarshalling]

namespace BioImage.Interop;

/// <summary>
/// The error path of the C ABI. No exception may leave an export (NativeAOT aborts the process when one crosses
/// into native frames), so every export ends in <c>catch (Exception e) { return LastError.Fail(e); }</c>:
/// <see cref="Fail(Exception)"/> keeps the message in a thread-local slot and returns the status code for the
/// exception's kind.
/// <c>bk_last_error</c> copies that message out, so each calling thread sees its own last failure.
/// </summary>
public static class LastError
{
    [ThreadStatic]
    private static string? t_message;

    /// <summary>Records <paramref name="exception"/>'s message for this thread; returns its status code.</summary>
    public static int Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0]; // a worker thread's failure: report its own kind and message
        }

        int status = exception switch
        {
            UnsupportedDTypeException => Status.UnsupportedDType,
            ArgumentException => Status.InvalidArgument,
            OutOfMemoryException or InsufficientExecutionStackException => Status.OutOfMemory,
            IOException or UnauthorizedAccessException => Status.IOError,
            _ => Status.Internal,
        };
        t_message = status == Status.Internal ? $"internal error ({exception.GetType().Name}): {exception.Message}" : exception.Message;
        return status;
    }

    /// <summary>Records <paramref name="message"/> for this thread as the failure of status <paramref name="status"/>; returns the status.</summary>
    public static int Fail(int status, string message)
    {
        t_message = message;
        return status;
    }

    /// <summary>
    /// <c>size_t bk_last_error(char* buffer, size_t capacity)</c>: copies the UTF-8 message of this thread's last
    /// failed call into <paramref name="buffer"/> (truncated to capacity − 1 bytes, always NUL-terminated when
    /// capacity &gt; 0) and returns the message's full length in bytes; 0 when no call on this thread failed.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "bk_last_error")]
    public static unsafe nuint CopyLastError(byte* buffer, nuint capacity)
    {
        try
        {
            var bytes = Encoding.UTF8.GetBytes(t_message ?? string.Empty);
            if (buffer != null && capacity > 0)
            {
                int count = (int)Math.Min((ulong)bytes.Length, capacity - 1);
                bytes.AsSpan(0, count).CopyTo(new Span<byte>(buffer, count));
                buffer[count] = 0;
            }

            return (nuint)bytes.Length;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    /// <summary><c>uint32_t bk_abi_version(void)</c>: <see cref="AbiVersion.Current"/>, equal to the header's BK_ABI_VERSION.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bk_abi_version")]
    public static uint Version() => AbiVersion.Current;
}

/// <summary>The ABI version: bumped whenever an export or a struct of bioimage.h changes incompatibly.</summary>
public static class AbiVersion
{
    /// <summary>The version this library implements (bioimage.h's BK_ABI_VERSION).</summary>
    public const uint Current = 1;
}

/// <summary>An input or output element type that the called function does not accept (status BK_ERR_DTYPE).</summary>
public sealed class UnsupportedDTypeException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public UnsupportedDTypeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public UnsupportedDTypeException()
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public UnsupportedDTypeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
