using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Sources.Formats;
using BioImage.Sources.Wrappers;

namespace BioImage.Sources;

/// <summary>What <c>bioimage info</c> shows for any opened source: format, shape, dtype, chunks, writability, wrappers and format details.</summary>
public static class SourceInfo
{
    /// <summary>A JSON description of <paramref name="source"/> (the same field names as the info command's).</summary>
    public static JsonObject Describe(ISource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var spec = source.Spec;
        var info = new JsonObject
        {
            ["path"] = spec?.Path,
            ["key"] = spec?.Key,
            ["format"] = spec?.Format ?? "in-memory",
            ["shape"] = new JsonArray([.. source.Shape.Select(e => (JsonNode)e)]),
            ["dtype"] = source.DType.NumpyName(),
            ["chunks"] = source.Chunks is { } chunks ? new JsonArray([.. chunks.Select(e => (JsonNode)e)]) : null,
            ["writable"] = source.Writable,
            ["wrappers"] = spec?.Wrappers is { Count: > 0 } wrappers ? JsonSerializer.SerializeToNode(wrappers, SourcesJsonContext.Default.IReadOnlyListWrapperSpec) : null,
        };
        var inner = source;
        while (inner is WrapperSource wrapper)
        {
            inner = wrapper.Inner;
        }

        switch (inner)
        {
            case MrcSource mrc:
                info["mrcMode"] = mrc.Mode;
                info["byteOrder"] = mrc.IsBigEndian ? "big" : "little";
                break;
            case NiftiSource nifti:
                info["niftiVersion"] = nifti.Version;
                info["byteOrder"] = nifti.Elements.BigEndian ? "big" : "little";
                info["storedDType"] = nifti.Elements.Stored.NumpyName();
                info["scaling"] = nifti.Elements.Slope is { } slope ? $"raw · {slope} + {nifti.Elements.Intercept}" : null;
                break;
            case TiffSource tiff:
                info["pages"] = tiff.Shape.Count == 3 ? tiff.Shape[0] : 1;
                info["byteOrder"] = tiff.IsBigEndian ? "big" : "little";
                info["bigTiff"] = tiff.IsBigTiff;
                break;
            case ImageStackSource stack:
                info["slices"] = new JsonArray([.. stack.Files.Select(f => (JsonNode)Path.GetFileName(f))]);
                break;
            default:
                break;
        }

        return info;
    }
}
