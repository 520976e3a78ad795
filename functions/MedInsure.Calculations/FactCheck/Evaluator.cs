namespace MedInsure.Calculations;

/// <summary>Recursive-descent evaluation of a short token list (+ − × ÷, parentheses, percents as fractions).</summary>
internal static class Evaluator
{
    public static bool TryEvaluate(List<MathToken> tokens, out decimal value)
    {
        var pos = 0;
        try
        {
            if (Expression(tokens, ref pos, 0, out value) && pos == tokens.Count)
            {
                return true;
            }
        }
        catch (OverflowException)
        {
        }
        catch (DivideByZeroException)
        {
        }

        value = 0;
        return false;
    }

    private static bool Expression(List<MathToken> t, ref int pos, int depth, out decimal value)
    {
        if (!Term(t, ref pos, depth, out value))
        {
            return false;
        }

        while (pos < t.Count && t[pos].Kind == MathKind.Op && t[pos].Op is '+' or '-')
        {
            var op = t[pos++].Op;
            if (!Term(t, ref pos, depth, out var right))
            {
                return false;
            }

            value = op == '+' ? value + right : value - right;
        }

        return true;
    }

    private static bool Term(List<MathToken> t, ref int pos, int depth, out decimal value)
    {
        if (!Factor(t, ref pos, depth, out value))
        {
            return false;
        }

        while (pos < t.Count && t[pos].Kind == MathKind.Op && t[pos].Op is '*' or '/')
        {
            var op = t[pos++].Op;
            if (!Factor(t, ref pos, depth, out var right))
            {
                return false;
            }

            value = op == '*' ? value * right : value / right;
        }

        return true;
    }

    private static bool Factor(List<MathToken> t, ref int pos, int depth, out decimal value)
    {
        value = 0;
        if (pos >= t.Count || depth > 8)
        {
            return false;
        }

        var token = t[pos];
        if (token.Kind == MathKind.Number)
        {
            pos++;
            value = token.Percent ? token.Value / 100m : token.Value;
            return true;
        }

        if (token.Kind == MathKind.LParen)
        {
            pos++;
            if (!Expression(t, ref pos, depth + 1, out value) || pos >= t.Count || t[pos].Kind != MathKind.RParen)
            {
                return false;
            }

            pos++;
            return true;
        }

        return false;
    }
}
