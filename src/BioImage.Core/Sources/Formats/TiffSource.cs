using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Formats;

/// <summary>
/// One TIFF file (.tif, .tiff) as a read-only source: a single page is (y, x), several pages of one shape and dtype
/// are a stack (page, y, x), as tifffile's <c>imread</c> returns them. Strips or tiles, any compression LibTiff.NET
/// decodes, either byte order, classic TIFF or BigTIFF (little-endian), any number of pages.
/// </summary>
public sealed class TiffSource : ISource
{
    private readonly TiffImage _image;

    private TiffSource(SourceSpec spec, TiffImage image)
    {
        Spec = spec;
        _image = image;
        Shape = image.PageCount == 1 ? [image.Height, image.Width] : [image.PageCount, image.Height, image.Width];
    }

    /// <summary>Opens the TIFF file a spec names (no key).</summary>
    public static ISource Open(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Key is not (null or ""))
        {
            throw new ArgumentException($"{spec.Path} is a single TIFF file and has no keys (got '{spec.Key}'); to read a folder of slices, open the folder with a glob pattern as key (e.g. \"*.tif\").", nameof(spec));
        }

        return spec.Mode == "r"
            ? new TiffSource(spec with { Key = null }, TiffImage.Open(spec.Path))
            : throw SourceAccess.ReadOnly(spec.Path, "TIFF");
    }

    /// <summary>True when the file is big-endian.</summary>
    public bool IsBigEndian => _image.Directory.BigEndian;

    /// <summary>True when the file is a BigTIFF.</summary>
    public bool IsBigTiff => _image.Directory.BigTiff;

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType => _image.DType;

    /// <inheritdoc />
    public IReadOnlyList<long>? Chunks => null;

    /// <inheritdoc />
    public bool Writable => false;

    /// <inheritdoc />
    public SourceSpec Spec { get; }

    /// <inheritdoc />
    public void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T> =>
        _image.Read(SourceAccess.Check<T>(Spec.Path, Shape, DType, region, destination.Depth, destination.Height, destination.Width), destination);

    /// <inheritdoc />
    public void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T> => throw SourceAccess.ReadOnly(Spec.Path, "TIFF");
}
