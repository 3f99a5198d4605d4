using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace BioImage.Storage;

/// <summary>One array of an .npz archive: its name (without .npy), numpy dtype string, shape and little-endian C-order bytes.</summary>
/// <param name="Name">The key numpy's <c>np.load(path)[name]</c> finds it under.</param>
/// <param name="Descr">The numpy dtype string ('&lt;u8', '&lt;f8', '&lt;U12', …).</param>
/// <param name="Shape">The shape.</param>
/// <param name="Data">The elements' bytes.</param>
public sealed record NpzEntry(string Name, string Descr, int[] Shape, byte[] Data)
{
    /// <summary>An array of numbers shaped <paramref name="shape"/> (null: one axis; empty: a scalar).</summary>
    public static NpzEntry Of<T>(string name, T[] values, int[]? shape = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(name, NpyFile.Descr(DTypes.Of<T>()), shape ?? [values.Length], MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>A one-axis array of unicode strings ('&lt;U<i>n</i>', UTF-32, n the longest length).</summary>
    public static NpzEntry Strings(string name, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int width = Math.Max(1, values.Count == 0 ? 1 : values.Max(v => v.Length));
        var data = new byte[values.Count * width * 4];
        for (int i = 0; i < values.Count; i++)
        {
            Encoding.UTF32.GetBytes(values[i], data.AsSpan(i * width * 4));
        }

        return new(name, $"<U{width}", [values.Count], data);
    }
}

/// <summary>Writes numpy .npz archives — <c>np.savez</c>'s format: a zip of .npy (version 1.0) entries, stored — atomically (temp file + rename).</summary>
public static class NpzFile
{
    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> (replacing it).</summary>
    public static void Write(string path, IReadOnlyList<NpzEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var archive = new ZipArchive(new FileStream(temporary, FileMode.CreateNew, FileAccess.Write), ZipArchiveMode.Create))
            {
                foreach (var entry in entries)
                {
                    using var stream = archive.CreateEntry(entry.Name + ".npy", CompressionLevel.NoCompression).Open();
                    stream.Write(NpyFile.Preamble(entry.Descr, entry.Shape));
                    stream.Write(entry.Data);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
