using System.Collections.Concurrent;

namespace BioImage.Sources;

/// <summary>Opens sources by path or by spec; formats register an opener under their name.</summary>
public static class Source
{
    private static readonly ConcurrentDictionary<string, Func<SourceSpec, ISource>> Openers = new(StringComparer.Ordinal)
    {
        ["npy"] = NpySource.Open,
        ["zarr"] = ChunkedSource.Open,
        ["n5"] = ChunkedSource.Open,
        ["mrc"] = Formats.MrcSource.Open,
        ["nifti"] = Formats.NiftiSource.Open,
        ["tiff"] = Formats.TiffSource.Open,
        ["folder"] = Formats.ImageStackSource.Open,
        ["hdf5"] = Formats.Hdf5Source.Open,
    };

    private static readonly ConcurrentDictionary<string, string> FormatsByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".npy"] = "npy",
        [".zarr"] = "zarr",
        [".n5"] = "n5",
        [".mrc"] = "mrc",
        [".rec"] = "mrc",
        [".map"] = "mrc",
        [".nii"] = "nifti",
        [".nii.gz"] = "nifti",
        [".tif"] = "tiff",
        [".tiff"] = "tiff",
        [string.Empty] = "folder",
        [".h5"] = "hdf5",
        [".hdf5"] = "hdf5",
        [".hdf"] = "hdf5",
    };

    /// <summary>Adds (or replaces) the opener of a format and the file extensions it is inferred from.</summary>
    public static void Register(string format, Func<SourceSpec, ISource> opener, params string[] extensions)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(opener);
        Openers[format] = opener;
        foreach (string extension in extensions)
        {
            FormatsByExtension[extension] = format;
        }
    }

    /// <summary>Reopens the source a spec describes.</summary>
    public static ISource Open(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Mode is not ("r" or "r+"))
        {
            throw new ArgumentException($"Source mode '{spec.Mode}' is not supported; expected \"r\" or \"r+\".", nameof(spec));
        }

        var source = Openers.TryGetValue(spec.Format, out var open)
            ? open(spec with { Wrappers = null })
            : throw new ArgumentException($"Unknown source format '{spec.Format}' for {spec.Path}; known formats: {string.Join(", ", Openers.Keys.Order())}.", nameof(spec));
        return spec.Wrappers is { Count: > 0 } wrappers ? Wrappers.SourceWrappers.Apply(source, wrappers) : source;
    }

    /// <summary>Opens <paramref name="path"/> (and <paramref name="key"/> inside it), inferring the format from the extension.</summary>
    public static ISource Open(string path, string? key = null, string mode = "r", string? format = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string trimmed = path.TrimEnd('/');
        format ??= InferFormat(trimmed)
            ?? throw new ArgumentException($"Cannot tell the format of '{path}' from its extension; known extensions: {string.Join(", ", FormatsByExtension.Keys.Order())}.", nameof(path));
        return Open(new SourceSpec(format, System.IO.Path.GetFullPath(trimmed), key, mode));
    }

    /// <summary>The format of the longest registered extension <paramref name="path"/> ends with (".nii.gz" before ".gz"); null when none.</summary>
    private static string? InferFormat(string path)
    {
        string? extension = FormatsByExtension.Keys
            .Where(e => e.Length > 0 && path.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            .MaxBy(e => e.Length);
        return extension is not null ? FormatsByExtension[extension]
            : (System.IO.Path.GetExtension(path).Length == 0 || Directory.Exists(path)) && FormatsByExtension.TryGetValue(string.Empty, out var withoutExtension) ? withoutExtension
            : null;
    }
}
