using MedInsure.Training;

// Usage: dotnet run --project ml/MedInsure.Training -- train|evaluate|compare-fasttext|generate-corpus
var command = args.Length > 0 ? args[0] : "";
var paths = TrainingPaths.Find();
return command switch
{
    "generate-corpus" => CorpusGenerator.Run(paths.Corpus),
    "train" => TrainCommand.Run(paths),
    "evaluate" => TrainCommand.Evaluate(paths),
    "compare-fasttext" => FastTextComparison.Run(paths, args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run --project ml/MedInsure.Training -- train | evaluate | compare-fasttext [--engine fast|mlnet|both] | generate-corpus");
    return 2;
}
