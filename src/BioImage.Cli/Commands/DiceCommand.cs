using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Sources;

namespace BioImage.Cli.Commands;

/// <summary>
/// <c>bioimage dice SEG GT [--threshold-seg T|none] [--threshold-gt T|none]</c>: bioimage-py's <c>dice_score</c> of
/// two volumes of any dtype, block-wise (<see cref="Dice"/>).
/// </summary>
internal static class DiceCommand
{
    public static Command Create()
    {
        var seg = new Argument<string>("SEG") { Description = "The segmentation (or prediction): any numeric dtype." };
        var gt = new Argument<string>("GT") { Description = "The ground truth: any numeric dtype, same shape." };
        var segKey = new Option<string?>("--seg-key") { Description = "Dataset inside SEG.", HelpName = "K" };
        var gtKey = new Option<string?>("--gt-key") { Description = "Dataset inside GT.", HelpName = "K" };
        var thresholdSeg = Threshold("--threshold-seg", "SEG's foreground is value > T (default 0); 'none' takes the raw values (soft dice of probability maps; bioimage-py's threshold_seg=None).");
        var thresholdGt = Threshold("--threshold-gt", "GT's foreground is value > T (default 0); 'none' takes the raw values.");
        var command = new Command("dice", "Dice score 2Σab/(Σa+Σb+1e-7) of two volumes of any dtype, each binarised with > threshold or taken as raw values (soft dice), computed block-wise (bioimage-py's dice_score). 'evaluate --metrics dice' is the same score with both thresholds 0, from the label table.")
        {
            seg, gt, segKey, gtKey, thresholdSeg, thresholdGt,
        };
        var verb = new Verb(command, writesArrays: false, blockIds: true, mask: true);
        command.SetAction((parse, cancellation) => Task.FromResult(verb.Execute(parse, cancellation, () =>
            (new Dice { ThresholdSeg = Value(parse, thresholdSeg), ThresholdGt = Value(parse, thresholdGt) },
             [Source.Open(parse.GetRequiredValue(seg), parse.GetValue(segKey)), Source.Open(parse.GetRequiredValue(gt), parse.GetValue(gtKey))], []))));
        return command;
    }

    /// <summary>A threshold: a number (not NaN) or 'none'.</summary>
    private static Option<string> Threshold(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "T|none", DefaultValueFactory = _ => "0" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !TryParse(value, out _))
            {
                result.AddError($"{name}: '{value}' is not a number or 'none'.");
            }
        });
        return option;
    }

    private static double? Value(ParseResult parse, Option<string> option) =>
        TryParse(parse.GetRequiredValue(option), out double? threshold) ? threshold : throw new UsageException($"{option.Name}: not a number or 'none'.");

    private static bool TryParse(string value, out double? threshold)
    {
        threshold = null;
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        bool number = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && !double.IsNaN(parsed);
        threshold = parsed;
        return number;
    }
}
