package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RowPlaceTest {

    @Test
    void itNamesTheRowItWasLastMovedTo() {
        RowPlace place = new RowPlace(3);
        assertEquals("row 0 of partition 3", place.toString());
        String first = "Column 'x' " + place.at(17) + " is null";
        assertEquals("Column 'x' row 17 of partition 3 is null", first);
        assertEquals("row 18 of partition 3", place.at(18).toString());
        assertEquals("Column 'x' row 17 of partition 3 is null", first, "a message made earlier keeps its text");
    }

    @Test
    void itMayLeaveThePartitionOutAndAddASuffix() {
        assertEquals("row 5", new RowPlace(-1).at(5).toString());
        assertEquals("row 2 of partition 0 of the conditions", new RowPlace(0, " of the conditions").at(2).toString());
    }
}
