package io.github.vaespark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reads the Spark event logs (uncompressed JSON lines) that the cluster tests' drivers write. */
final class EventLogs {
    private EventLogs() {
    }

    /** The job descriptions in the event logs in {@code dir}. */
    static Set<String> jobDescriptions(Path dir) throws IOException {
        Set<String> out = new TreeSet<>();
        for (JsonNode event : events(dir, "SparkListenerJobStart")) {
            out.add(event.path("Properties").path("spark.job.description").asText());
        }
        return out;
    }

    /** Task counts per executor id, from the event logs in {@code dir}. */
    static Map<String, Integer> tasksByExecutor(Path dir) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode event : events(dir, "SparkListenerTaskEnd")) {
            counts.merge(event.path("Task Info").path("Executor ID").asText(), 1, Integer::sum);
        }
        return counts;
    }

    /** The hosts that ran tasks, from the event logs in {@code dir}. */
    static Set<String> taskHosts(Path dir) throws IOException {
        Set<String> hosts = new TreeSet<>();
        for (JsonNode event : events(dir, "SparkListenerTaskEnd")) {
            hosts.add(event.path("Task Info").path("Host").asText());
        }
        return hosts;
    }

    /** The events of one type in every event log file under {@code dir}. */
    private static List<JsonNode> events(Path dir, String type) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode event = json.readTree(line);
                    if (type.equals(event.path("Event").asText())) {
                        out.add(event);
                    }
                }
            }
        }
        return out;
    }
}
