using System.Collections.Concurrent;

namespace BioImage.Storage.Stores;

/// <summary>A store held in memory (thread-safe): for tests and for temporary arrays that never reach a disk.</summary>
public sealed class MemoryStore : IStore
{
    private readonly ConcurrentDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Location => "memory";

    /// <inheritdoc />
    public byte[]? Get(string key) => _objects.TryGetValue(StoreKey.Validate(key), out var value) ? value : null;

    /// <inheritdoc />
    public bool Contains(string key) => _objects.ContainsKey(StoreKey.Validate(key));

    /// <inheritdoc />
    public void Set(string key, ReadOnlySpan<byte> value) => _objects[StoreKey.Validate(key)] = value.ToArray();

    /// <inheritdoc />
    public void Delete(string key) => _objects.TryRemove(StoreKey.Validate(key), out _);

    /// <inheritdoc />
    public IEnumerable<string> List(string prefix)
    {
        StoreKey.Validate(prefix, allowEmpty: true);
        string folder = prefix.Length == 0 ? string.Empty : prefix + "/";
        return _objects.Keys.Where(key => key.StartsWith(folder, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }
}
