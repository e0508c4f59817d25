package main

// Close ends the session.
func (s *Session) Close() error {
	s.owner = ""
	return nil
}
