return BioImage.Cli.BioImageCommand.Run(args, Console.Out, Console.Error);
