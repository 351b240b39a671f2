namespace RoleManager.Bench;

/// <summary>One catalog size: 20 schemas of equal size, each table with an identity sequence, one routine per ten tables.</summary>
internal sealed record Shape(int TablesPerSchema, int FunctionsPerSchema)
{
    public static Shape ForTables(int tables)
    {
        if (tables % BenchLayout.SchemaCount != 0 || tables < BenchLayout.SchemaCount)
            throw new ArgumentException($"{tables} tables do not split evenly over {BenchLayout.SchemaCount} schemas.");
        int perSchema = tables / BenchLayout.SchemaCount;
        return new Shape(perSchema, Math.Max(1, perSchema / 10));
    }

    public int Tables => TablesPerSchema * BenchLayout.SchemaCount;

    public int Functions => FunctionsPerSchema * BenchLayout.SchemaCount;

    public string Label => Tables >= 1000 && Tables % 1000 == 0 ? $"{Tables / 1000}k" : Tables.ToString();

    public override string ToString() =>
        $"{BenchLayout.SchemaCount} schemas × {TablesPerSchema:N0} tables ({Tables:N0} tables + {Tables:N0} identity sequences), {Functions:N0} functions";
}
