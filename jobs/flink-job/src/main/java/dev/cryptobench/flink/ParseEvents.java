package dev.cryptobench.flink;

import dev.cryptobench.common.DeadLetter;
import dev.cryptobench.common.EventParser;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.ParseResult;
import dev.cryptobench.common.PriceRow;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Parses each message: valid events go on as {@link PriceRow}s, the rest to the {@link #DEAD_LETTERS} side output. */
final class ParseEvents extends ProcessFunction<KafkaMessage, PriceRow> {

    /** Records that break the event contract, with the parser's reason. */
    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    @Override
    public void processElement(KafkaMessage message, Context context, Collector<PriceRow> out) {
        ParseResult result = EventParser.parse(message.value());
        if (result.isValid()) {
            out.collect(PriceRow.of(result.event(), message));
        } else {
            context.output(DEAD_LETTERS, DeadLetter.of(message, result.reason()));
        }
    }
}
