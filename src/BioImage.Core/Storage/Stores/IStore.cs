namespace BioImage.Storage.Stores;

/// <summary>
/// A key/value store of byte objects — the bottom of the storage layer (zarr's "store", zarrs' storage traits).
/// Keys are relative, '/'-separated paths such as <c>raw/c/0/1/2</c> (see <see cref="StoreKey"/>).
/// </summary>
/// <remarks>
/// Writes of one key are atomic: a reader sees the old or the new object, never a torn one, and a killed writer
/// leaves the old object. Writers of different keys never interfere, also across processes; two writers of the
/// same key race (the last rename wins). Implementations are safe to call from many threads.
/// </remarks>
public interface IStore
{
    /// <summary>A description of where the store lives, used in error messages (e.g. the root folder).</summary>
    string Location { get; }

    /// <summary>The object stored under <paramref name="key"/>, or null when there is none.</summary>
    byte[]? Get(string key);

    /// <summary>
    /// The object under <paramref name="key"/> in a buffer from <see cref="System.Buffers.ArrayPool{T}"/> (dispose the
    /// result to give it back), or null when there is none. Hot paths use this to avoid a fresh allocation per chunk.
    /// </summary>
    StoredObject? GetPooled(string key) => Get(key) is { } bytes ? new StoredObject(bytes, bytes.Length, pooled: false) : null;

    /// <summary>
    /// Reads the object under <paramref name="key"/> straight into <paramref name="destination"/> when it holds exactly
    /// <paramref name="destination"/>.Length bytes (an uncompressed chunk: no intermediate buffer). Returns the object's length,
    /// or -1 when there is none; when the lengths differ nothing is read, and the caller decides (e.g. reports the bad object).
    /// </summary>
    long GetInto(string key, Span<byte> destination)
    {
        using var stored = GetPooled(key);
        if (stored is not null && stored.Length == destination.Length)
        {
            stored.Span.CopyTo(destination);
        }

        return stored?.Length ?? -1;
    }

    /// <summary>True when an object is stored under <paramref name="key"/>.</summary>
    bool Contains(string key);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> atomically, replacing any previous object.</summary>
    void Set(string key, ReadOnlySpan<byte> value);

    /// <summary>Removes the object under <paramref name="key"/>; nothing happens when there is none.</summary>
    void Delete(string key);

    /// <summary>Every key below <paramref name="prefix"/> (a folder-like key; empty = the whole store), recursively.</summary>
    IEnumerable<string> List(string prefix);
}
