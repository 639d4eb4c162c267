package io.tileinfer.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the JDBC stores (SQLite, PostgreSQL) do alike with a statement: prepare it on a connection, bind its
 * parameters in order, run it, read its rows; and how a failure reads. Where the connection comes from, and the
 * transactions around it, stay each store's own.
 */
public final class Jdbc {

    /** Reads the row the result set is on. */
    @FunctionalInterface
    public interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private Jdbc() {
    }

    /** Runs a query and hands each row, in order, to {@code reader}. */
    public static void query(Connection connection, String sql, RowReader reader, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }

    /** Runs an INSERT, UPDATE or DELETE. */
    public static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            statement.executeUpdate();
        }
    }

    /** Sets the statement's parameters, the first to {@code parameters[0]}, each as the driver maps its type. */
    public static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    /**
     * {@code STORE: cannot WHAT: WHY}, where WHY is the exception's message and, when it does not already say it,
     * its root cause's (a pool's or a migration tool's wrapper often hides what the database answered).
     */
    public static StoreException failure(String store, String what, Exception e) {
        return new StoreException(store + ": cannot " + what + ": " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(e.getMessage());
        return root == e || message.contains(String.valueOf(root.getMessage())) ? message
                : message + " (" + root.getMessage() + ")";
    }
}
