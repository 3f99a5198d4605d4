using System.CommandLine;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage local-maxima INPUT [--min-distance N] [--threshold-abs V] [--threshold-rel F] [--csv F]</c>: the peaks of
/// a volume block-wise as bioimage-py's find_local_maxima finds them (<see cref="LocalMaximaVerb"/>).
/// </summary>
internal static class LocalMaximaCommand
{
    public static Command Create()
    {
        var input = CommonOptions.Input();
        var inputKey = CommonOptions.InputKey();
        var minDistance = new Option<int>("--min-distance") { Description = "Minimal Chebyshev distance between peaks and the radius of the maximum filter (skimage's min_distance).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var thresholdAbs = new Option<double?>("--threshold-abs") { Description = "Peaks must be above this value (default: the minimum of each block, as bioimage-py).", HelpName = "V" };
        var thresholdRel = new Option<double?>("--threshold-rel") { Description = "Peaks must also be above this fraction of the maximum (of each block, as bioimage-py).", HelpName = "F" };
        var excludeBorder = new Option<int?>("--exclude-border") { Description = "Width of the volume border without peaks (default: --min-distance; 0 for none).", HelpName = "N" };
        var global = new Option<bool>("--global-thresholds") { Description = "Take the default minimum and the maximum for --threshold-rel over the whole volume (one more pass)." };
        var csv = new Option<string?>("--csv") { Description = "Also write the peaks as CSV (columns z,y,x or y,x).", HelpName = "F" };
        var command = new Command("local-maxima", "The peaks of a 2D or 3D volume (skimage.feature.peak_local_max per block with a halo of min-distance + 8, as bioimage-py's find_local_maxima), as global coordinates.")
        {
            input, inputKey, minDistance, thresholdAbs, thresholdRel, excludeBorder, global, csv,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: false);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new LocalMaximaVerb
            {
                Peaks = new LocalMaximaOperation
                {
                    MinDistance = parse.GetValue(minDistance),
                    ThresholdAbs = parse.GetValue(thresholdAbs),
                    ThresholdRel = parse.GetValue(thresholdRel),
                    ExcludeBorder = parse.GetValue(excludeBorder),
                },
                GlobalThresholds = parse.GetValue(global),
                Csv = parse.GetValue(csv) is { } path ? Path.GetFullPath(path) : null,
            },
             [Source.Open(parse.GetRequiredValue(input), parse.GetValue(inputKey))], []))));
        return command;
    }
}
