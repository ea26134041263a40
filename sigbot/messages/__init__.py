"""What people read: texts, catalogs in their language, reply words and buttons, SMS length."""
