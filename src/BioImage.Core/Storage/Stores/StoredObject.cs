using System.Buffers;

namespace BioImage.Storage.Stores;

/// <summary>The bytes of a stored object, possibly in a pooled buffer that <see cref="Dispose"/> returns.</summary>
public sealed class StoredObject : IDisposable
{
    private readonly bool _pooled;
    private byte[]? _buffer;

    /// <summary>Wraps the first <paramref name="length"/> bytes of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The bytes.</param>
    /// <param name="length">How many of them belong to the object.</param>
    /// <param name="pooled">True when the buffer was rented from <see cref="ArrayPool{T}.Shared"/> and must go back.</param>
    public StoredObject(byte[] buffer, int length, bool pooled)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        _buffer = buffer;
        Length = length;
        _pooled = pooled;
    }

    /// <summary>Number of bytes.</summary>
    public int Length { get; }

    /// <summary>The bytes.</summary>
    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(StoredObject))).AsSpan(0, Length);

    /// <summary>Returns a pooled buffer; the object is unusable afterwards.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null && _pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
