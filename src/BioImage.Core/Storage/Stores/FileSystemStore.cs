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
    public bool Contains(string key) => File.Exists(PathOf(key));

    /// <inheritdoc />
    public void Set(string key, ReadOnlySpan<byte> value)
    {
        string path = PathOf(key);
        string folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(value);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
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
