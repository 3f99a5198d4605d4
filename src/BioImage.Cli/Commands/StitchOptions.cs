using System.CommandLine;
using BioImage.Operations;

namespace BioImage.Cli.Commands;

/// <summary>The options both stitching verbs take: --tile-shape, --beta and the background switch.</summary>
internal sealed class StitchOptions
{
    private readonly Option<long[]?> _tileShape = new("--tile-shape")
    {
        Description = "The tile extents, one per axis (Z,Y,X or Y,X): the tiles the segmentation was (or is) made in.",
        HelpName = "Z,Y,X",
        Required = true,
        CustomParser = result => CommonOptions.ParseList(result, "--tile-shape", minimum: 1),
    };

    private readonly Option<double> _beta = new("--beta")
    {
        Description = "Boundary bias β in (0, 1): above 0.5 favours cuts (more objects), below merges (default 0.5).",
        HelpName = "B",
        DefaultValueFactory = _ => 0.5,
    };

    private readonly Option<bool> _withBackground = new("--with-background") { Description = "Label 0 is background, never merged with objects (the default)." };
    private readonly Option<bool> _noBackground = new("--no-background") { Description = "Label 0 is an object like any other." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _tileShape, _beta, _withBackground, _noBackground })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Sets the tile shape, β and the background flag on <paramref name="operation"/>.</summary>
    public void Apply(ParseResult parse, StitchingOperation operation)
    {
        if (parse.GetValue(_withBackground) && parse.GetValue(_noBackground))
        {
            throw new UsageException("Pass either --with-background or --no-background, not both.");
        }

        operation.TileShape = parse.GetValue(_tileShape) ?? [];
        operation.Beta = parse.GetValue(_beta);
        operation.WithBackground = !parse.GetValue(_noBackground);
    }
}
