package dev.tutti.trainer.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file read whole, as text: the header and every record's cells, with the line each record
 * starts on, so that any later complaint about a row can name its line. Parsing is commons-csv's
 * RFC 4180 dialect (quotes, embedded commas and newlines); empty lines are skipped.
 *
 * <p>Threads: immutable after {@link #read}. Allocation: one string per cell, at load time.
 */
public final class CsvTable {
    private final Path file;
    private final List<String> header;
    private final List<String[]> rows;
    private final int[] lines;

    private CsvTable(Path file, List<String> header, List<String[]> rows, int[] lines) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
    }

    /**
     * Reads {@code file} (UTF-8, a header line first).
     *
     * @throws TrainingException when the file is missing, empty, has no data rows, repeats a column
     *     name, or holds a record that cannot be parsed or has the wrong number of cells (naming its line)
     */
    public static CsvTable read(Path file) throws TrainingException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = List.copyOf(parser.getHeaderNames());
            if (header.isEmpty()) {
                throw new TrainingException(file + ": no header line (the first line must name the columns)");
            }
            List<String[]> rows = new ArrayList<>();
            List<Integer> lines = new ArrayList<>();
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                long before = parser.getCurrentLineNumber();
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new TrainingException(file + ": line " + (before + 1) + " cannot be read as CSV: " + rootMessage(e), e);
                }
                int line = (int) Math.min(Integer.MAX_VALUE, before + 1);
                if (record.size() != header.size()) {
                    throw new TrainingException(file + ": line " + line + " has " + record.size() + " cells; the header has "
                            + header.size() + " columns");
                }
                rows.add(record.values());
                lines.add(line);
            }
            if (rows.isEmpty()) {
                throw new TrainingException(file + ": the header is there but no data rows follow");
            }
            return new CsvTable(file, header, List.copyOf(rows), lines.stream().mapToInt(Integer::intValue).toArray());
        } catch (NoSuchFileException e) {
            throw new TrainingException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new TrainingException(file + ": not UTF-8 text", e);
        } catch (IllegalArgumentException e) {
            // commons-csv refuses duplicate or missing header names with an IllegalArgumentException
            throw new TrainingException(file + ": bad header: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TrainingException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public Path file() {
        return file;
    }

    public List<String> header() {
        return header;
    }

    /** Data rows (the header excluded). */
    public int rowCount() {
        return rows.size();
    }

    /** The cells of data row {@code row} (0-based), one per header column. */
    public String[] row(int row) {
        return rows.get(row);
    }

    public String cell(int row, int column) {
        return rows.get(row)[column];
    }

    /** The line of the file (1-based, the header is line 1) where data row {@code row} starts. */
    public int line(int row) {
        return lines[row];
    }

    /** Index of the named column, or -1. */
    public int column(String name) {
        return header.indexOf(name);
    }
}
