"""Text: the social-media tokenizer with negation marking, hashtag words, and a post's counting terms, anchors and topics."""
