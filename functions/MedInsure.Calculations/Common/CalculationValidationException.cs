namespace MedInsure.Calculations;

/// <summary>Bad input to a calculator. <see cref="Field"/> is the request's JSON path (camelCase) so the HTTP layer can build ProblemDetails errors.</summary>
public sealed class CalculationValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
