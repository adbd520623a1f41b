package io.github.vaespark.cli;

import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the CLI says and reads about a table model's columns. */
final class TableColumns {
    private TableColumns() {
    }

    /** The columns a table model reads from its input: the modelled ones, then the condition ones. */
    static List<String> read(TableCodec table) {
        List<String> cols = new ArrayList<>(table.featureNames());
        cols.addAll(table.conditionNames());
        return cols;
    }

    /** One line naming every column with its kind, e.g. {@code columns: species:categorical, bill:continuous}. */
    static String summary(TableCodec table) {
        String line = "columns: " + table.features().stream().map(TableColumns::describe)
                .collect(Collectors.joining(", "));
        if (!table.conditions().isEmpty()) {
            line += "; conditions: " + table.conditions().stream().map(TableColumns::describe)
                    .collect(Collectors.joining(", "));
        }
        return line;
    }

    private static String describe(TableColumn c) {
        return c.name() + ":" + c.kind().name().toLowerCase(Locale.ROOT);
    }
}
