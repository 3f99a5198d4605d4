using System.IO.Enumeration;
using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Formats;

/// <summary>
/// A folder of 2D TIFF slices selected by a glob pattern (the key, e.g. <c>"*.tif"</c> or <c>"slice_*.tiff"</c>) as a
/// read-only (slice, y, x) source, slices in natural order ("z2" before "z10"), chunks (1, y, x) as bioimage-py's image
/// stack. Every slice must be a single-page TIFF of the first slice's shape and dtype; this is checked on open.
/// </summary>
public sealed class ImageStackSource : ISource
{
    private static readonly string[] ContainerMarkers = [".zarray", ".zgroup", "zarr.json", "attributes.json"];
    private readonly string[] _files;

    private ImageStackSource(SourceSpec spec, string[] files, TiffImage first)
    {
        Spec = spec;
        _files = files;
        DType = first.DType;
        Shape = [files.Length, first.Height, first.Width];
        Chunks = [1, first.Height, first.Width];
    }

    /// <summary>The slice files in stack order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Opens the folder and glob pattern a spec names (path: the folder, key: the pattern).</summary>
    public static ISource Open(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Mode != "r")
        {
            throw SourceAccess.ReadOnly(spec.Path, "image stack");
        }

        if (!System.IO.Directory.Exists(spec.Path))
        {
            throw new DirectoryNotFoundException($"Image stack folder {spec.Path} does not exist.");
        }

        if (ContainerMarkers.FirstOrDefault(name => File.Exists(System.IO.Path.Combine(spec.Path, name))) is { } marker)
        {
            throw new ArgumentException($"{spec.Path} holds {marker}: it is a {(marker == "attributes.json" ? "N5" : "Zarr")} container, not a folder of slices; pass the format ({(marker == "attributes.json" ? "n5" : "zarr")}) explicitly or name it with its extension.", nameof(spec));
        }

        string pattern = spec.Key is { Length: > 0 } key ? key : throw new ArgumentException($"{spec.Path} is a folder: pass a glob pattern over its slice files as key (e.g. \"*.tif\").", nameof(spec));
        var files = System.IO.Directory.EnumerateFiles(spec.Path)
            .Where(file => FileSystemName.MatchesSimpleExpression(pattern, System.IO.Path.GetFileName(file)))
            .Order(NaturalOrder.Instance)
            .ToArray();
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"No file in {spec.Path} matches '{pattern}'.");
        }

        var first = TiffImage.Open(files[0]);
        foreach (string file in files)
        {
            var slice = file == files[0] ? first : TiffImage.Open(file);
            if (slice.PageCount != 1 || slice.Height != first.Height || slice.Width != first.Width || slice.DType != first.DType)
            {
                throw new InvalidDataException($"Slices of {spec.Path}/{pattern} differ: {System.IO.Path.GetFileName(file)} is {Describe(slice)}, {System.IO.Path.GetFileName(files[0])} is {Describe(first)}; every slice must be one 2D page of one shape and dtype.");
            }
        }

        return new ImageStackSource(spec, files, first);
    }

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType { get; }

    /// <inheritdoc />
    public IReadOnlyList<long>? Chunks { get; }

    /// <inheritdoc />
    public bool Writable => false;

    /// <inheritdoc />
    public SourceSpec Spec { get; }

    /// <inheritdoc />
    public void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T>
    {
        var box = SourceAccess.Check<T>(Spec.Path, Shape, DType, region, destination.Depth, destination.Height, destination.Width);
        for (int z = 0; z < box.Depth; z++)
        {
            var slice = TiffImage.Open(_files[box.Z + z]);
            slice.Read(box with { Z = 0, Depth = 1 }, destination.Slice(z, 0, 0, 1, box.Height, box.Width));
        }
    }

    /// <inheritdoc />
    public void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T> => throw SourceAccess.ReadOnly(Spec.Path, "image stack");

    private static string Describe(TiffImage image) => $"{image.PageCount} page(s) of {image.Height}×{image.Width} {image.DType.NumpyName()}";

    /// <summary>Natural order of file names: runs of digits compare by value ("z2" &lt; "z10"), the rest ordinally.</summary>
    private sealed class NaturalOrder : IComparer<string>
    {
        public static NaturalOrder Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            string a = x ?? string.Empty, b = y ?? string.Empty;
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
                {
                    int endA = DigitsEnd(a, i), endB = DigitsEnd(b, j);
                    string valueA = a[i..endA].TrimStart('0'), valueB = b[j..endB].TrimStart('0');
                    int order = valueA.Length != valueB.Length ? valueA.Length.CompareTo(valueB.Length) : string.CompareOrdinal(valueA, valueB);
                    if (order != 0)
                    {
                        return order;
                    }

                    (i, j) = (endA, endB);
                }
                else if (a[i] != b[j])
                {
                    return a[i].CompareTo(b[j]);
                }
                else
                {
                    (i, j) = (i + 1, j + 1);
                }
            }

            return (a.Length - i) != (b.Length - j) ? (a.Length - i).CompareTo(b.Length - j) : string.CompareOrdinal(a, b);
        }

        private static int DigitsEnd(string text, int start)
        {
            while (start < text.Length && char.IsAsciiDigit(text[start]))
            {
                start++;
            }

            return start;
        }
    }
}
