using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace BioImage.Storage.Stores;

/// <summary>
/// A store whose keys are files below a root folder (zarr's DirectoryStore, N5's file system layout).
/// </summary>
/// <remarks>
/// Writes go to a uniquely named temporary file in the target's own folder (same file system) and are then
/// renamed over the target: rename is atomic on POSIX file systems, so readers and other processes never see a
/// partial object and a killed writer leaves only a stray <c>*.tmp</c> file, which <see cref="List"/> skips.
/// Folders are created on demand; concurrent creation of the same folder by several processes is harmless.
/// </remarks>
public sealed class FileSystemStore : IStore
{
    private const string TemporarySuffix = ".bioimage-tmp";

    /// <summary>Folders known to exist, so that writing a chunk costs no directory syscalls.</summary>
    private readonly ConcurrentDictionary<string, byte> _folders = new(StringComparer.Ordinal);

    /// <summary>A store rooted at <paramref name="root"/> (created on the first write when it does not exist).</summary>
    public FileSystemStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The absolute root folder.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Location => Root;

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        string path = PathOf(key);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw new IOException($"{path} is a folder, not a stored object.");
        }
    }

    /// <inheritdoc />
    public StoredObject? GetPooled(string key)
    {
        using var handle = OpenForReading(key);
        if (handle is null)
        {
            return null;
        }

        long length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
        {
            throw new IOException($"{PathOf(key)} holds {length} bytes, more than one buffer can.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        return new StoredObject(buffer, ReadFully(handle, buffer.AsSpan(0, (int)length)), pooled: true);
    }

    /// <inheritdoc />
    public long GetInto(string key, Span<byte> destination)
    {
        using var handle = OpenForReading(key);
        if (handle is null)
        {
            return -1;
        }

        long length = RandomAccess.GetLength(handle);

        // A file that shrank while being read (it cannot with atomic writes, but another tool may truncate it) reports
        // the bytes actually read, which then differ from the expected length.
        return length == destination.Length ? ReadFully(handle, destination) : length;
    }

    /// <summary>The open file of <paramref name="key"/>, or null when there is none.</summary>
    private SafeFileHandle? OpenForReading(string key)
    {
        try
        {
            return File.OpenHandle(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads from the start of the file until <paramref name="destination"/> is full or the file ends; returns the bytes read.</summary>
    private static int ReadFully(SafeFileHandle handle, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(handle, destination[total..], total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <inheritdoc />
    public bool Contains(string key) => File.Exists(PathOf(key));

    /// <inheritdoc />
    public void Set(string key, ReadOnlySpan<byte> value)
    {
        string path = PathOf(key);
        string folder = Path.GetDirectoryName(path)!;
        if (!_folders.ContainsKey(folder))
        {
            Directory.CreateDirectory(folder);
            _folders.TryAdd(folder, 0);
        }

        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            // Preallocating the whole object (fallocate) saves ext4 its delayed allocation: writing a chunk gets cheaper,
            // and renaming over an existing chunk no longer forces the new file's data to disk (auto_da_alloc), 3× faster.
            using (var handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, FileOptions.None, preallocationSize: value.Length))
            {
                RandomAccess.Write(handle, value, 0);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (DirectoryNotFoundException) when (_folders.TryRemove(folder, out _))
        {
            // The folder was deleted behind our back (e.g. the array was re-created): create it again.
            Set(key, value);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <inheritdoc />
    public void Delete(string key)
    {
        string path = PathOf(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Deletes the temporary files that killed writers left below <paramref name="prefix"/>, last written before
    /// <paramref name="olderThan"/> (UTC; younger ones may belong to a writer still running); returns how many there were.
    /// </summary>
    public int DeleteStrayTemporaries(string prefix, DateTime olderThan)
    {
        string folder = PathOf(prefix, allowEmpty: true);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        int deleted = 0;
        foreach (string stray in Directory.EnumerateFiles(folder, "*" + TemporarySuffix, SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(stray) < olderThan)
            {
                File.Delete(stray);
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Deletes the empty folders below <paramref name="prefix"/> (deepest first), keeping the prefix's own folder.</summary>
    public void DeleteEmptyFolders(string prefix)
    {
        string folder = PathOf(prefix, allowEmpty: true);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (string sub in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).OrderByDescending(path => path.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(sub).Any())
            {
                Directory.Delete(sub);
            }
        }
    }

    /// <inheritdoc />
    public IEnumerable<string> List(string prefix)
    {
        string folder = PathOf(prefix, allowEmpty: true);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(file => !file.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The file that holds <paramref name="key"/>; the key is validated so that it cannot leave the root.</summary>
    public string PathOf(string key, bool allowEmpty = false)
    {
        StoreKey.Validate(key, allowEmpty);
        return key.Length == 0 ? Root : Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
